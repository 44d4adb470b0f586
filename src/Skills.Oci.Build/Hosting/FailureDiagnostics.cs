using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Hosting;

/// <summary>
/// The last boundary of both hosts, the MSBuild tasks and the command line: turns whatever escaped
/// the engine into the one coded diagnostic a user sees, so both print the same code and words and
/// neither ever shows a stack trace for something the user can fix.
/// </summary>
public static class FailureDiagnostics
{
    /// <summary>The diagnostic for <paramref name="exception"/>; <see cref="IsBug"/> tells whether its details belong in a detailed log.</summary>
    public static Diagnostic From(Exception exception, string? defaultFile, bool cancellationRequested = false) => exception switch
    {
        OperationCanceledException when cancellationRequested => Diagnostic.Warning(ErrorCodes.Cancelled, "The operation was cancelled.", defaultFile),
        SkillsOciException coded => coded.Diagnostic,
        RegistryException registry => RegistryErrorMapping.ToDiagnostic(registry, defaultFile),
        ReferenceFormatException reference => Diagnostic.Error(ErrorCodes.InvalidReference, reference.Message, defaultFile),
        _ => Diagnostic.Error(ErrorCodes.InternalError, $"Skills.Oci failed unexpectedly: {exception.Message} Please report this; the details are in a detailed or binary log.", defaultFile),
    };

    /// <summary>True for failures that are defects of Skills.Oci rather than something the user caused or asked for.</summary>
    public static bool IsBug(Exception exception, bool cancellationRequested = false) =>
        exception is not (SkillsOciException or RegistryException or ReferenceFormatException) &&
        !(exception is OperationCanceledException && cancellationRequested);
}
