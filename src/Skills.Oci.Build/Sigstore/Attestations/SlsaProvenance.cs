using System.Text.Json;

namespace Skills.Oci.Build.Sigstore.Attestations;

/// <summary>
/// The parts of a SLSA provenance predicate (v0.2 from <c>cosign attest --type slsaprovenance</c>, v1
/// from <c>actions/attest-build-provenance</c>) a policy needs: the builder and the source repository.
/// </summary>
public sealed class SlsaProvenance
{
    public const string PredicateTypeV02 = "https://slsa.dev/provenance/v0.2";
    public const string PredicateTypeV1 = "https://slsa.dev/provenance/v1";

    private SlsaProvenance(string predicateType, string? sourceUri, string? builderId)
    {
        PredicateType = predicateType;
        SourceUri = sourceUri;
        SourceRepository = sourceUri is null ? null : NormalizeRepository(sourceUri);
        BuilderId = builderId;
    }

    public string PredicateType { get; }

    /// <summary>The source as written (may carry <c>git+</c> and an <c>@ref</c>).</summary>
    public string? SourceUri { get; }

    /// <summary>The source repository normalized: no <c>git+</c>, ref, <c>.git</c> or trailing slash.</summary>
    public string? SourceRepository { get; }

    public string? BuilderId { get; }

    public static bool IsProvenance(string predicateType) => predicateType is PredicateTypeV02 or PredicateTypeV1;

    /// <summary>
    /// Reads the provenance of a statement. v0.2: <c>invocation.configSource.uri</c>, else the first
    /// material. v1: <c>buildDefinition.externalParameters.workflow.repository</c>, else the first
    /// resolved dependency.
    /// </summary>
    public static SlsaProvenance FromStatement(InTotoStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var predicate = statement.Predicate;
        if (predicate.ValueKind != JsonValueKind.Object)
        {
            throw new SigstoreException(SigstoreFailureKind.ProvenanceMismatch, "The SLSA provenance statement has no predicate object.");
        }

        return statement.PredicateType switch
        {
            PredicateTypeV02 => new SlsaProvenance(
                PredicateTypeV02,
                StringAt(predicate, "invocation", "configSource", "uri") ?? FirstUri(predicate, "materials"),
                StringAt(predicate, "builder", "id")),
            PredicateTypeV1 => new SlsaProvenance(
                PredicateTypeV1,
                StringAt(predicate, "buildDefinition", "externalParameters", "workflow", "repository")
                    ?? (Property(predicate, "buildDefinition") is { } definition ? FirstUri(definition, "resolvedDependencies") : null),
                StringAt(predicate, "runDetails", "builder", "id")),
            _ => throw new SigstoreException(SigstoreFailureKind.ProvenanceMismatch, $"The predicate type '{statement.PredicateType}' is not SLSA provenance (v0.2 or v1)."),
        };
    }

    /// <summary>True when the provenance names <paramref name="repository"/> as its source.</summary>
    public bool IsFromRepository(string repository) =>
        SourceRepository is not null && string.Equals(SourceRepository, NormalizeRepository(repository), StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws <see cref="SigstoreFailureKind.ProvenanceMismatch"/> unless the source is <paramref name="repository"/>.</summary>
    public void RequireRepository(string repository)
    {
        if (!IsFromRepository(repository))
        {
            throw new SigstoreException(SigstoreFailureKind.ProvenanceMismatch, SourceRepository is null
                ? $"The SLSA provenance names no source repository; '{repository}' is required."
                : $"The SLSA provenance says the artifact was built from '{SourceRepository}', not '{repository}'.");
        }
    }

    internal static string NormalizeRepository(string uri)
    {
        var value = uri.Trim();
        if (value.StartsWith("git+", StringComparison.OrdinalIgnoreCase))
        {
            value = value[4..];
        }

        // The ref follows the last '@' after the path starts (userinfo '@' comes before the host).
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        var pathStart = schemeEnd < 0 ? 0 : value.IndexOf('/', schemeEnd + 3);
        var at = value.LastIndexOf('@');
        if (pathStart >= 0 && at > pathStart)
        {
            value = value[..at];
        }

        value = value.TrimEnd('/');
        if (value.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            value = value[..^4];
        }

        return value;
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    private static string? StringAt(JsonElement element, params string[] path)
    {
        JsonElement? current = element;
        foreach (var name in path)
        {
            current = current is { } value ? Property(value, name) : null;
        }

        return current is { ValueKind: JsonValueKind.String } text && !string.IsNullOrEmpty(text.GetString()) ? text.GetString() : null;
    }

    private static string? FirstUri(JsonElement element, string arrayName) =>
        Property(element, arrayName) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Select(item => StringAt(item, "uri")).FirstOrDefault(uri => uri is not null)
            : null;
}
