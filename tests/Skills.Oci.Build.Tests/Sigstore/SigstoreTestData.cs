namespace Skills.Oci.Build.Tests.Sigstore;

/// <summary>Paths of the public Sigstore test data copied beside the test assembly.</summary>
internal static class SigstoreTestData
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "TestData", "sigstore");

    public static string ConformanceRoot { get; } = Path.Combine(Root, "conformance-bundle-verify");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);
}
