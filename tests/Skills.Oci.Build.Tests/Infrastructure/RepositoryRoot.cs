namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>The checkout the tests were built from, found by walking up from the test assembly to the solution file.</summary>
public static class RepositoryRoot
{
    private const string SolutionFile = "Skills.Oci.Build.sln";

    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string File(string relative) => System.IO.Path.Combine(Path, relative);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(folder.FullName, SolutionFile)))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory}; the tests must run from a build inside the repository.");
    }
}
