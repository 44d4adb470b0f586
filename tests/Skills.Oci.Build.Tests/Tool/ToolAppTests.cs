using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>The command line's contract that does not need a registry: help, usage errors, exit codes.</summary>
public sealed class ToolAppTests
{
    /// <summary>The reference CLI's commands plus NuGet's habits (issue 11): their names are a contract.</summary>
    public static readonly string[] ContractCommands =
        ["push", "add", "remove", "install", "sync", "list", "update", "verify", "clean", "login", "logout", "register"];

    [Fact]
    public async Task Help_lists_every_command_of_the_contract()
    {
        using var console = new ToolConsoleCapture();

        var code = await console.RunAsync("--help");

        Assert.Equal(ExitCodes.Success, code);
        // A command with aliases is listed as "install, restore".
        var missing = ContractCommands.Where(name => !console.Output.Contains($"  {name} ", StringComparison.Ordinal) && !console.Output.Contains($"  {name}, ", StringComparison.Ordinal)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Every_command_has_its_own_help()
    {
        foreach (var name in ContractCommands)
        {
            using var console = new ToolConsoleCapture();

            var code = await console.RunAsync(name, "--help");

            Assert.True(code == ExitCodes.Success, $"{name} --help exited {code}: {console.Error}");
            Assert.Contains($"skills-oci {name}", console.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_with_exit_code_2()
    {
        using var console = new ToolConsoleCapture();

        var code = await console.RunAsync("frobnicate");

        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("frobnicate", console.Error, StringComparison.Ordinal);
        Assert.Contains("--help", console.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", console.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_command_shows_help_as_a_usage_error()
    {
        using var console = new ToolConsoleCapture();

        var code = await console.RunAsync();

        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("Usage:", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_verbosity_is_a_usage_error()
    {
        using var console = new ToolConsoleCapture();

        var code = await console.RunAsync("--verbosity", "loud");

        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("'loud' is not a verbosity", console.Error, StringComparison.Ordinal);
    }
}
