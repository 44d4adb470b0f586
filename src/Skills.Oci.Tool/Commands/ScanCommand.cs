using System.CommandLine;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Security;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci scan FOLDER|REFERENCE</c>: the content scan restore and pack run, without installing
/// anything (<see cref="SkillContentScanner"/> over a folder, <see cref="SkillReferenceScan"/> over a
/// pulled reference). Findings print as MSBuild prints them; with <c>--mode block</c> or
/// <c>--fail-on SEVERITY</c>, findings at or above it are errors and the exit code is 1.
/// </summary>
internal sealed class ScanCommand() : ToolCommand(
    "scan",
    "Scan a skill folder, or a skill reference pulled into a temporary folder, for hidden instructions and what it can run (docs/security.md); installs nothing and changes no lock.")
{
    private readonly Argument<string> _target = new("target") { Description = "A skill folder (holding SKILL.md), or an OCI reference: REGISTRY/REPOSITORY[:TAG|@DIGEST]." };

    private readonly Option<string?> _mode = new("--mode") { Description = "warn (the default) or block: block fails on findings of severity high or above, as SkillsSecurityMode=block does." };

    private readonly Option<string?> _failOn = new("--fail-on") { Description = "Fail on findings of this severity or above: info, low, medium, high or critical." };

    private readonly Option<string?> _sarif = new("--sarif") { Description = "Also write the findings as a SARIF 2.1.0 report to this file." };

    private readonly Option<string?> _cache = new("--cache") { Description = "The skills cache for a reference (what SkillsCachePath is to restore). Default: SKILLS_OCI_CACHE, else the per-user cache." };

    protected override void Define(Command command)
    {
        command.Arguments.Add(_target);
        command.Options.Add(_mode);
        command.Options.Add(_failOn);
        command.Options.Add(_sarif);
        command.Options.Add(_cache);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var workingDirectory = Directory.GetCurrentDirectory();
        var mode = SecurityModes.Parse(parse.GetValue(_mode), null);
        ScanSeverity? failOn = mode == SecurityMode.Block ? ScanSeverity.High : null;
        if (parse.GetValue(_failOn) is { Length: > 0 } text)
        {
            failOn = ScanSeverities.TryParse(text, out var severity) ? severity
                : throw new SkillsOciException(ErrorCodes.ScanSettingInvalid, $"--fail-on is '{text}'; it must be info, low, medium, high or critical.");
        }

        var target = parse.GetValue(_target)!;
        var folder = Path.GetFullPath(target, workingDirectory);
        ScannedReference scanned;
        string baseFolder;
        Func<string, string> locate;
        if (Directory.Exists(folder))
        {
            var result = await SkillContentScanner.ScanFolderAsync(folder, cancellationToken).ConfigureAwait(false);
            scanned = new ScannedReference(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), folder, result);
            baseFolder = folder;
            locate = file => Path.Combine(folder, file.Replace('/', Path.DirectorySeparatorChar));
        }
        else
        {
            var mirrors = await RegistryMirrors.LoadAsync(workingDirectory, RegistryMirrors.None, null, cancellationToken).ConfigureAwait(false);
            using var source = new LazyRegistrySource(new RegistryClientOptions(), mirrors);
            var cache = parse.GetValue(_cache) is { Length: > 0 } path ? Path.GetFullPath(path, workingDirectory) : null;
            scanned = await SkillReferenceScan.ScanAsync(target, source.Get(), cache, OciLimits.Default, cancellationToken).ConfigureAwait(false);
            baseFolder = workingDirectory;
            locate = file => scanned.Name + "/" + file;
        }

        foreach (var finding in scanned.Result.Findings)
        {
            var failing = failOn is { } threshold && finding.Severity >= threshold;
            var message = $"{finding.Message} ({finding.Severity.Name()})";
            output.Diagnostic(failing
                ? Diagnostic.Error(finding.Code, message, locate(finding.File), finding.Line, finding.Column)
                : Diagnostic.Warning(finding.Code, message, locate(finding.File), finding.Line, finding.Column));
        }

        if (parse.GetValue(_sarif) is { Length: > 0 } sarif)
        {
            var relative = Directory.Exists(folder) ? string.Empty : scanned.Name;
            await SarifReport.WriteAsync(Path.GetFullPath(sarif, workingDirectory), baseFolder, [new ScannedSkill(scanned.Name, relative, scanned.Result, FindingAllowList.None)], cancellationToken).ConfigureAwait(false);
        }

        var bySeverity = scanned.Result.Findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key).Select(g => $"{g.Count()} {g.Key.Name()}");
        output.Change(scanned.Result.Findings.Count == 0
            ? $"{scanned.Name} ({scanned.Display}): no findings."
            : $"{scanned.Name} ({scanned.Display}): {scanned.Result.Findings.Count} finding{(scanned.Result.Findings.Count == 1 ? string.Empty : "s")} ({string.Join(", ", bySeverity)}).");
        return output.HasErrors ? ExitCodes.Failure : ExitCodes.Success;
    }
}
