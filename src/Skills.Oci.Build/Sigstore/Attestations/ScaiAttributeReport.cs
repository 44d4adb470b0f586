using System.Text.Json;

namespace Skills.Oci.Build.Sigstore.Attestations;

/// <summary>One attribute a SCAI report asserts: the attribute, and the conditions under which it holds.</summary>
public sealed record ScaiAssertion(string Attribute, string? Conditions);

/// <summary>
/// The attributes of an in-toto SCAI v0.3 attribute report (<c>predicate.attributes[]</c>): what a
/// scanner asserts about the subject, such as "no high findings". Read to show a scan's verdict.
/// </summary>
public static class ScaiAttributeReport
{
    public const string PredicateTypeV03 = "https://in-toto.io/attestation/scai/attribute-report/v0.3";

    /// <summary>The attributes of a SCAI statement; empty for another predicate type or a malformed one.</summary>
    public static IReadOnlyList<ScaiAssertion> Attributes(InTotoStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (statement.PredicateType != PredicateTypeV03 || statement.Predicate.ValueKind != JsonValueKind.Object ||
            !statement.Predicate.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var result = new List<ScaiAssertion>();
        foreach (var item in attributes.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("attribute", out var attribute) && attribute.ValueKind == JsonValueKind.String)
            {
                var conditions = item.TryGetProperty("conditions", out var c) ? c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText() : null;
                result.Add(new ScaiAssertion(attribute.GetString()!, conditions));
            }
        }

        return result;
    }
}
