namespace Skills.Oci.Build.Security;

/// <summary>How much a finding matters, lowest first: <c>block</c> mode fails on <see cref="High"/> and above.</summary>
public enum ScanSeverity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>The names of <see cref="ScanSeverity"/> as users write them (<c>--fail-on high</c>), parsed once.</summary>
public static class ScanSeverities
{
    public static string Name(this ScanSeverity severity) => severity.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ScanSeverity severity)
    {
        foreach (var value in Enum.GetValues<ScanSeverity>())
        {
            if (string.Equals(text?.Trim(), value.Name(), StringComparison.OrdinalIgnoreCase))
            {
                severity = value;
                return true;
            }
        }

        severity = default;
        return false;
    }
}
