namespace Skills.Oci.Build.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>
/// One problem a user can act on: a <c>SKOCInnnn</c> code, a message that says what to do next, and
/// the file and line it is about when there is one. The MSBuild layer logs it as an error or warning
/// with a help link to <c>docs/errors/CODE.md</c>.
/// </summary>
public sealed record Diagnostic(
    string Code,
    DiagnosticSeverity Severity,
    string Message,
    string? File = null,
    int Line = 0,
    int Column = 0)
{
    public static Diagnostic Error(string code, string message, string? file = null, int line = 0, int column = 0) =>
        new(code, DiagnosticSeverity.Error, message, file, line, column);

    public static Diagnostic Warning(string code, string message, string? file = null, int line = 0, int column = 0) =>
        new(code, DiagnosticSeverity.Warning, message, file, line, column);

    public override string ToString() =>
        (File is null ? string.Empty : Line > 0 ? $"{File}({Line},{Math.Max(Column, 1)}): " : $"{File}: ") +
        $"{(Severity == DiagnosticSeverity.Error ? "error" : "warning")} {Code}: {Message}";
}

/// <summary>
/// A failure the user caused or can fix, carrying its diagnostic. Thrown by the plain C# layers and
/// turned into a coded MSBuild error at the task boundary, never a stack trace.
/// </summary>
public sealed class SkillsOciException : Exception
{
    public SkillsOciException(Diagnostic diagnostic, Exception? innerException = null)
        : base(diagnostic.Message, innerException)
    {
        Diagnostic = diagnostic;
    }

    public SkillsOciException(string code, string message, string? file = null, int line = 0, Exception? innerException = null)
        : this(Diagnostic.Error(code, message, file, line), innerException)
    {
    }

    public Diagnostic Diagnostic { get; }

    public string Code => Diagnostic.Code;
}
