namespace Skills.Oci.Build.Security;

/// <summary>
/// One thing the scan found in a skill: its code (SKOCI5101-5189, see <see cref="ScanCodes"/>), the
/// file relative to the skill folder ('/' separated), a 1-based line and column (UTF-16 units; 0 when
/// the finding is about the whole file) and a message a reviewer can act on.
/// </summary>
public sealed record SkillFinding(string Code, string File, int Line, int Column, string Message)
{
    public ScanSeverity Severity => ScanCodes.SeverityOf(Code);

    /// <summary>The order reports use: file (ordinal), line, column, code.</summary>
    public static int Compare(SkillFinding a, SkillFinding b)
    {
        var byFile = StringComparer.Ordinal.Compare(a.File, b.File);
        if (byFile != 0)
        {
            return byFile;
        }

        var byLine = a.Line.CompareTo(b.Line);
        if (byLine != 0)
        {
            return byLine;
        }

        var byColumn = a.Column.CompareTo(b.Column);
        return byColumn != 0 ? byColumn : StringComparer.Ordinal.Compare(a.Code, b.Code);
    }
}
