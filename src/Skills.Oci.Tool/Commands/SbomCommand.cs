using System.CommandLine;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci sbom [--output FILE]</c>: the ExportSkillsSbom target's work without MSBuild, one <see cref="LockSbom"/> request.</summary>
internal sealed class SbomCommand() : ToolCommand(
    "sbom",
    "Write a CycloneDX 1.6 bill of materials of skills.lock.json: every skill with its version, digest, source (package URL) and signer.")
{
    private readonly RootOptions _root = new();

    private readonly Option<string?> _output = new("--output", "-o") { Description = "The file to write. Default: skills.cdx.json beside the lock." };

    protected override void Define(Command command)
    {
        _root.AddTo(command);
        command.Options.Add(_output);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var workingDirectory = Directory.GetCurrentDirectory();
        var (root, lockPath) = _root.Resolve(parse, workingDirectory);
        var lockFile = lockPath ?? Path.Combine(root, LockFile.FileName);
        var result = await LockSbom.WriteAsync(new LockSbomRequest
        {
            LockFilePath = lockFile,
            ToolVersion = Skills.Oci.Build.Hooks.ToolManifest.RunningVersion(),
            OutputPath = parse.GetValue(_output) is { Length: > 0 } file ? Path.GetFullPath(file, workingDirectory) : LockSbom.DefaultPath(lockFile),
        }, cancellationToken).ConfigureAwait(false);
        output.Change(result.Summary);
        return ExitCodes.Success;
    }
}
