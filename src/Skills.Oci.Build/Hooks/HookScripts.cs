namespace Skills.Oci.Build.Hooks;

/// <summary>One committed script the hook commands run, with its root-relative path and file mode.</summary>
public sealed record HookScript(string RelativePath, string Content, UnixFileMode Mode);

/// <summary>
/// The scripts every hook command runs: <c>.agents/skills-oci-sync</c> (POSIX sh) and its PowerShell
/// twin. The commands in the agents' settings never change; when what a session start must do
/// changes, a new Skills.Oci writes new scripts. Each bootstraps the tool the repository pins in its
/// local tool manifest (falling back to a <c>skills-oci</c> on PATH, then to <c>dnx</c>), then runs
/// <c>skills-oci sync --hook &lt;agent&gt;</c>. Only sync writes to standard output, because agents read
/// it (Claude Code takes its <c>reloadSkills</c> answer from there). A second concurrent instance is
/// fine: sync takes the skills root's cross-process lock.
/// </summary>
public static class HookScripts
{
    public const string ShellPath = ".agents/skills-oci-sync";

    public const string PowerShellPath = ".agents/skills-oci-sync.ps1";

    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static IReadOnlyList<HookScript> All { get; } =
    [
        new(ShellPath, Shell, Executable),
        new(PowerShellPath, PowerShell, Readable),
    ];

    // LF only: a carriage return would end up in the interpreter line and the commands.
    private const string Shell = """
        #!/bin/sh
        # Skills.Oci session-start hook, written by 'skills-oci register': commit it. Agents run it when a
        # session starts, with their name as the first argument. It installs the skills skills.lock.json
        # pins into .agents/skills. Only 'skills-oci sync' writes to standard output (agents read it);
        # everything else goes to standard error. Undo with 'skills-oci register --remove'.
        agent="${1:-}"
        root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd) || exit 1
        cd "$root" || exit 1
        DOTNET_NOLOGO=1
        export DOTNET_NOLOGO
        # The version the repository pins in .config/dotnet-tools.json.
        if command -v dotnet >/dev/null 2>&1 && dotnet tool restore >&2; then
          exec dotnet tool run skills-oci sync --hook "$agent"
        fi
        if command -v skills-oci >/dev/null 2>&1; then
          exec skills-oci sync --hook "$agent"
        fi
        # .NET 10 SDKs run a tool package without installing it (no prompt: stdin is the agent's pipe).
        if command -v dotnet >/dev/null 2>&1 && dotnet dnx --help >/dev/null 2>&1; then
          exec dotnet dnx Skills.Oci.Tool sync --hook "$agent"
        fi
        echo "skills-oci-sync: cannot run Skills.Oci to install the agent skills: install the .NET SDK (https://dot.net), or run 'dotnet tool install -g Skills.Oci.Tool'." >&2
        exit 1

        """;

    private const string PowerShell = """
        # Skills.Oci session-start hook, written by 'skills-oci register': commit it. Agents run it when a
        # session starts, with their name as the first argument. It installs the skills skills.lock.json
        # pins into .agents/skills. Only 'skills-oci sync' writes to standard output (agents read it);
        # everything else goes to standard error. Undo with 'skills-oci register --remove'.
        param([string]$Agent = '')
        $env:DOTNET_NOLOGO = '1'
        Set-Location -LiteralPath (Split-Path -Parent $PSScriptRoot)
        function Test-Program([string]$Name) { [bool](Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue) }
        # The version the repository pins in .config/dotnet-tools.json.
        if (Test-Program 'dotnet') {
            dotnet tool restore | ForEach-Object { [Console]::Error.WriteLine($_) }
            if ($LASTEXITCODE -eq 0) {
                dotnet tool run skills-oci sync --hook $Agent
                exit $LASTEXITCODE
            }
        }
        if (Test-Program 'skills-oci') {
            skills-oci sync --hook $Agent
            exit $LASTEXITCODE
        }
        # .NET 10 SDKs run a tool package without installing it.
        if (Test-Program 'dotnet') {
            dotnet dnx --help *> $null
            if ($LASTEXITCODE -eq 0) {
                dotnet dnx Skills.Oci.Tool sync --hook $Agent
                exit $LASTEXITCODE
            }
        }
        [Console]::Error.WriteLine("skills-oci-sync: cannot run Skills.Oci to install the agent skills: install the .NET SDK (https://dot.net), or run 'dotnet tool install -g Skills.Oci.Tool'.")
        exit 1

        """;
}
