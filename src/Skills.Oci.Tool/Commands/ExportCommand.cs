using System.CommandLine;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci export FOLDER</c>: the ExportSkills target's work without MSBuild, one
/// <see cref="SkillBundleExporter"/> request over the repository's lock, read through its mirrors.
/// </summary>
internal sealed class ExportCommand() : ToolCommand(
    "export",
    "Write every skill pinned in skills.lock.json, with its signatures, into one OCI image layout folder (an offline bundle), read through the registry mirrors. 'skills-oci import FOLDER' or SkillsSource=FOLDER restores from it with no network.")
{
    private readonly Argument<string> _folder = new("folder") { Description = "The bundle folder to write (replaced as a whole)." };

    private readonly RootOptions _root = new();

    private readonly Option<string?> _cache = new("--cache")
    {
        Description = "The skills cache read first (what SkillsCachePath is to restore). Default: SKILLS_OCI_CACHE, else the per-user cache.",
    };

    protected override void Define(Command command)
    {
        command.Arguments.Add(_folder);
        _root.AddTo(command);
        command.Options.Add(_cache);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var workingDirectory = Directory.GetCurrentDirectory();
        var (root, lockPath) = _root.Resolve(parse, workingDirectory);
        var mirrors = await RegistryMirrors.LoadAsync(root, RegistryMirrors.None, null, cancellationToken).ConfigureAwait(false);
        SkillExportResult result;
        using (var source = new LazyRegistrySource(new RegistryClientOptions(), mirrors))
        {
            result = await SkillBundleExporter.ExportAsync(new SkillExportRequest
            {
                LockFilePath = lockPath ?? Path.Combine(root, LockFile.FileName),
                ExportPath = Path.GetFullPath(parse.GetValue(_folder)!, workingDirectory),
                CachePath = parse.GetValue(_cache) is { Length: > 0 } cache ? Path.GetFullPath(cache, workingDirectory) : null,
            }, source.Get(), cancellationToken).ConfigureAwait(false);
        }

        output.Change(result.Summary);
        return ExitCodes.Success;
    }
}
