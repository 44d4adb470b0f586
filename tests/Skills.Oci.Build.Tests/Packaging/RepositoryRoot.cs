namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>The repository root: the first folder above the test assembly holding Skills.Oci.Build.sln.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Skills.Oci.Build.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Skills.Oci.Build.sln above '{AppContext.BaseDirectory}'.");
    }
}
