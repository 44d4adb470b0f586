using System.CommandLine;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci login &lt;registry&gt;</c>: checks the credentials against the registry, then saves
/// them as <c>docker login</c> does (credential helper or store when config.json names one), so
/// <c>dotnet restore</c>, the command line and Docker's own tools all see the login.
/// </summary>
public sealed class LoginCommand() : ToolCommand("login", "Log in to a registry; the credentials are saved where Docker keeps them (config.json, or its credential helper).")
{
    private readonly Argument<string> _registry = new("registry") { Description = "The registry host, e.g. ghcr.io, docker.io or localhost:5000." };
    private readonly Option<string?> _username = new("--username", "-u") { Description = "The user name; asked for on a terminal when left out." };
    private readonly Option<string?> _password = new("--password", "-p") { Description = "The password or token. Prefer --password-stdin: a command line is readable by others." };
    private readonly Option<bool> _passwordStdin = new("--password-stdin") { Description = "Read the password or token from standard input." };

    protected override void Define(Command command)
    {
        command.Arguments.Add(_registry);
        command.Options.Add(_username);
        command.Options.Add(_password);
        command.Options.Add(_passwordStdin);
        command.Validators.Add(result =>
        {
            if (result.GetValue(_password) is not null && result.GetValue(_passwordStdin))
            {
                result.AddError("--password and --password-stdin cannot be used together.");
            }
        });
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var registry = RegistryArgument.Parse(parse.GetValue(_registry)!);
        var console = output.Console;
        var username = parse.GetValue(_username) ?? Prompt(console, $"Username for {registry}: ", secret: false)
            ?? throw Missing($"No user name for {registry}: give it with -u (standard input is not a terminal, so it cannot be asked for).");

        string? password;
        if (parse.GetValue(_passwordStdin))
        {
            password = (await console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
        }
        else if (parse.GetValue(_password) is { } given)
        {
            output.Diagnostic(Diagnostic.Warning(ErrorCodes.PasswordOnCommandLine, "A password on the command line can be read from the process list and your shell history; use --password-stdin."));
            password = given;
        }
        else
        {
            password = Prompt(console, "Password: ", secret: true);
        }

        if (string.IsNullOrEmpty(password))
        {
            throw Missing($"No password for {registry}: pass it on standard input with --password-stdin{(console.IsTerminal ? string.Empty : " (standard input is not a terminal, so it cannot be asked for)")}.");
        }

        // Like docker login: nothing is saved until the registry accepts the credentials.
        var credential = RegistryCredential.FromPassword("the credentials given to 'skills-oci login'", username, password);
        using (var client = new RegistryClient(new RegistryClientOptions { Credentials = new FixedCredentialProvider(credential) }))
        {
            await client.CheckApiAsync(RegistryArgument.AnyRepository(registry), cancellationToken).ConfigureAwait(false);
        }

        var where = await DockerCredentialStore.ForCurrentUser().SaveAsync(registry, username, password, cancellationToken).ConfigureAwait(false);
        output.Change($"Login succeeded for {registry}; the credentials are saved in {where}.");
        return ExitCodes.Success;
    }

    private static SkillsOciException Missing(string message) => new(ErrorCodes.LoginCredentialsMissing, message);

    private static string? Prompt(ToolConsole console, string prompt, bool secret)
    {
        if (!console.IsTerminal || Console.IsInputRedirected)
        {
            return null;
        }

        console.Error.Write(prompt);
        if (!secret)
        {
            return console.In.ReadLine();
        }

        var text = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        console.Error.WriteLine();
        return text.ToString();
    }
}

/// <summary><c>skills-oci logout &lt;registry&gt;</c>: removes what <c>login</c> (or <c>docker login</c>) saved for the registry.</summary>
public sealed class LogoutCommand() : ToolCommand("logout", "Remove the saved credentials of a registry (from config.json and its credential helper).")
{
    private readonly Argument<string> _registry = new("registry") { Description = "The registry host, e.g. ghcr.io, docker.io or localhost:5000." };

    protected override void Define(Command command) => command.Arguments.Add(_registry);

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var registry = RegistryArgument.Parse(parse.GetValue(_registry)!);
        var removed = await DockerCredentialStore.ForCurrentUser().RemoveAsync(registry, cancellationToken).ConfigureAwait(false);
        output.Change(removed ? $"Removed the saved credentials for {registry}." : $"Not logged in to {registry}: nothing to remove.");
        return ExitCodes.Success;
    }
}

/// <summary>A registry as login and logout take it: a host, or Docker's own spellings (<c>https://index.docker.io/v1/</c>).</summary>
internal static class RegistryArgument
{
    public static string Parse(string value)
    {
        var registry = RegistryNames.Normalize(value);
        if (registry.Length == 0 || !ImageReference.TryParse($"{registry}/x", out var reference, out _) || reference!.Registry != registry)
        {
            throw new SkillsOciException(ErrorCodes.InvalidReference, $"'{value}' is not a registry host (for example ghcr.io, docker.io or localhost:5000).");
        }

        return registry;
    }

    /// <summary>The registry-level API check needs a reference; its repository is never used.</summary>
    public static ImageReference AnyRepository(string registry) => ImageReference.Create(registry, "skills-oci/login");
}
