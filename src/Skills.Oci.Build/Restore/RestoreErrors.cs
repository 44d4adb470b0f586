using System.Runtime.ExceptionServices;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Restore;

/// <summary>Turns the failure of one skill's work into its coded diagnostic, so many can be reported at once.</summary>
internal static class RestoreErrors
{
    /// <summary>Every diagnostic of a failure: one, or each of <see cref="RestoreFailuresException"/> (a collection whose members failed).</summary>
    public static IEnumerable<Diagnostic> ToDiagnostics(Exception error, string file) =>
        error is RestoreFailuresException many ? many.Diagnostics : [ToDiagnostic(error, file)];

    /// <summary>A user-caused or registry failure as its diagnostic; anything else is a bug and is rethrown as it was.</summary>
    public static Diagnostic ToDiagnostic(Exception error, string file)
    {
        switch (error)
        {
            case SkillsOciException coded:
                return coded.Diagnostic;
            case RegistryException registry:
                return RegistryErrorMapping.ToDiagnostic(registry, file);
            default:
                ExceptionDispatchInfo.Capture(error).Throw();
                throw error;
        }
    }
}

/// <summary>Several coded failures of one unit of work (the members of one collection), reported together in a stable order.</summary>
internal sealed class RestoreFailuresException(IReadOnlyList<Diagnostic> diagnostics) : Exception(string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
