using Skills.Oci.Build.Hooks;

namespace Skills.Oci.Build.Tests.Hooks;

/// <summary>
/// The committed sh script's bootstrap, with stand-in programs on a PATH of their own: which way it
/// runs sync, from which folder, and that standard output carries sync's output and nothing else.
/// </summary>
public sealed class HookScriptTests : IDisposable
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly HookFolder _root = new();
    private readonly TempFolder _bin = new("hook-bin");

    public HookScriptTests()
    {
        if (!OperatingSystem.IsWindows())
        {
            // The one program the script needs besides the shell's builtins.
            File.CreateSymbolicLink(_bin.Combine("dirname"), "/usr/bin/dirname");
        }
    }

    public void Dispose()
    {
        _root.Dispose();
        _bin.Dispose();
    }

    [Fact]
    public async Task It_restores_the_local_tool_then_runs_sync_from_the_root_and_only_sync_reaches_stdout()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await _root.RegisterAsync("claude");
        FakeProgram("dotnet", """
            echo "dotnet $* in $(pwd)" >> "$LOG"
            if [ "$1 $2" = "tool restore" ]; then echo "Tool 'skills.oci.tool' was restored."; exit 0; fi
            echo "sync output for $6"
            """);

        var result = await RunScriptAsync("claude", Directory.CreateDirectory(_root.File("src/deep")).FullName);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("sync output for claude\n", result.Output);
        Assert.Contains("Tool 'skills.oci.tool' was restored.", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(
            [$"dotnet tool restore in {_root.Root}", $"dotnet tool run skills-oci sync --hook claude in {_root.Root}"],
            File.ReadAllLines(_bin.Combine("log")));
    }

    [Fact]
    public async Task When_the_tool_cannot_be_restored_a_skills_oci_on_PATH_runs_sync()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await _root.RegisterAsync("codex");
        FakeProgram("dotnet", """
            echo "dotnet $*" >> "$LOG"
            echo "error: no manifest" >&2
            exit 1
            """);
        FakeProgram("skills-oci", """echo "skills-oci $*" >> "$LOG" """);

        var result = await RunScriptAsync("codex", _root.Root);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(string.Empty, result.Output);
        Assert.Equal(["dotnet tool restore", "skills-oci sync --hook codex"], File.ReadAllLines(_bin.Combine("log")));
    }

    [Fact]
    public async Task With_no_way_to_run_Skills_Oci_it_says_so_on_stderr_and_exits_1()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await _root.RegisterAsync("cursor");

        var result = await RunScriptAsync("cursor", _root.Root);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains("cannot run Skills.Oci", result.StandardError, StringComparison.Ordinal);
    }

    private void FakeProgram(string name, string body) =>
        _bin.Write(name, "#!/bin/sh\n" + body.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n", Executable);

    /// <summary>Runs the script by its path, as the hook commands do, with only the stand-ins on PATH.</summary>
    private async Task<ProcessResult> RunScriptAsync(string agent, string workingDirectory) =>
        await ProcessRunner.RunAsync(
            "/bin/sh",
            ["-c", $"\"{_root.File(HookScripts.ShellPath)}\" {agent}"],
            workingDirectory,
            environment =>
            {
                environment["PATH"] = _bin.Path;
                environment["LOG"] = _bin.Combine("log");
            },
            standardInput: """{"session_id":"x","source":"startup"}""");
}
