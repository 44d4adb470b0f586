using Microsoft.Build.Framework;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Microsoft.Build.Utilities;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Base of every Skills.Oci task: a thin adapter that runs the async core once with cancellation and
/// maps failures to coded diagnostics at this single boundary, so users never see a stack trace for
/// something they can fix.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "MSBuild never disposes tasks, and Cancel() may arrive after Execute returns; the source holds no unmanaged resource until a timer is used.")]
public abstract class SkillsOciTask : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The file errors point at when they have no better one (usually the project file).</summary>
    protected virtual string? DefaultDiagnosticFile => BuildEngine?.ProjectFileOfTaskNode;

    public void Cancel() => _cancellation.Cancel();

    /// <summary>Runs <c>dotnet</c> (the host that runs this build) for NuGet's signature verification.</summary>
    protected static Task<int> RunDotnet(IReadOnlyList<string> arguments, string workingDirectory, Action<string, bool> line, CancellationToken cancellationToken) =>
        DotnetHost.RunAsync(arguments, workingDirectory, line, cancellationToken);

    public sealed override bool Execute()
    {
        try
        {
            System.Threading.Tasks.Task.Run(() => ExecuteCoreAsync(_cancellation.Token)).GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            LogFailure(Log, ex, DefaultDiagnosticFile, _cancellation.IsCancellationRequested);
            if (ex is OperationCanceledException && _cancellation.IsCancellationRequested)
            {
                // A cancelled build fails, though the cancellation itself is only a warning.
                return false;
            }
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>
    /// The last boundary, shared with work that outlives its task (a background restore reported by
    /// <see cref="CompleteSkillRestores"/>): a coded diagnostic, and the stack trace only for a bug.
    /// </summary>
    internal static void LogFailure(TaskLoggingHelper log, Exception exception, string? defaultFile, bool cancellationRequested)
    {
        var cancelled = cancellationRequested && exception is OperationCanceledException;
        LogDiagnostic(log, FailureDiagnostics.From(exception, defaultFile, cancellationRequested: cancelled), defaultFile);
        if (!cancelled && FailureDiagnostics.IsBug(exception))
        {
            log.LogMessage(MessageImportance.Low, exception.ToString());
        }
    }

    protected abstract System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken);

    /// <summary>Logs a diagnostic with its code, help link, file and line.</summary>
    protected void LogDiagnostic(Diagnostic diagnostic) => LogDiagnostic(Log, diagnostic, DefaultDiagnosticFile);

    protected void LogDiagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            LogDiagnostic(diagnostic);
        }
    }

    internal static void LogDiagnostic(TaskLoggingHelper log, Diagnostic diagnostic, string? defaultFile)
    {
        var file = diagnostic.File ?? defaultFile;
        var helpLink = ErrorCodes.HelpLink(diagnostic.Code);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            log.LogError(null, diagnostic.Code, diagnostic.Code, helpLink, file, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
        }
        else
        {
            log.LogWarning(null, diagnostic.Code, diagnostic.Code, helpLink, file, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
        }
    }
}
