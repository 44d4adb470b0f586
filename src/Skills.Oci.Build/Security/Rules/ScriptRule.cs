using System.Runtime.CompilerServices;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// The inventory of what a skill can run: a file that is a script by its extension or its shebang line.
/// A script only named in the documentation is no file and no finding.
/// </summary>
internal sealed class ScriptRule(ScanFile file) : ILineRule
{
    private static readonly HashSet<string> ScriptExtensions = new(StringComparer.Ordinal)
    {
        ".sh", ".bash", ".zsh", ".fish", ".ksh", ".ps1", ".psm1", ".bat", ".cmd", ".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".php", ".lua", ".tcl", ".applescript", ".vbs",
    };

    private string? _shebang;

    public static bool IsScriptExtension(string extension) => ScriptExtensions.Contains(extension);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Line(int number, ReadOnlySpan<char> text, FindingSink sink)
    {
        if (number == 1 && text.TrimStart('\uFEFF').StartsWith("#!", StringComparison.Ordinal))
        {
            _shebang = text.TrimStart('\uFEFF').Trim().ToString();
        }
    }

    public void End(FindingSink sink)
    {
        if (_shebang is not null || IsScriptExtension(file.Extension))
        {
            sink.Add(ErrorCodes.ScanScript, _shebang is null ? 0 : 1, _shebang is null ? 0 : 1,
                $"{file.RelativePath} is a script{(_shebang is null ? $" ({file.Extension})" : $" ({_shebang})")} the agent can run with your rights.");
        }
    }
}
