using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>Which projects install, update and verify run over (<see cref="RepositoryProjects"/>).</summary>
public sealed class RepositoryProjectsTests
{
    [Fact]
    public void By_default_every_project_file_under_the_repository_root_is_found_but_none_in_outputs_tools_or_hidden_folders()
    {
        using var repo = new TempFolder("projects");
        repo.Write(".git/HEAD", "ref: refs/heads/main\n");
        foreach (var path in new[] { "App/App.csproj", "lib/Lib.fsproj", "vb/Vb.vbproj", "build/All.proj", "App/bin/Debug/Copy.csproj", "App/obj/Gen.csproj", "node_modules/x/X.csproj", ".agents/skills/s/S.csproj", ".hidden/H.csproj", "App/readme.txt" })
        {
            repo.Write(path, "<Project />\n");
        }

        var found = RepositoryProjects.Find(repo.Combine("App"));

        Assert.Equal(repo.Path, found.Root);
        Assert.Equal(
            new[] { "App/App.csproj", "build/All.proj", "lib/Lib.fsproj", "vb/Vb.vbproj" }.Select(p => repo.Combine(p)).Order(StringComparer.Ordinal),
            found.Projects);
        Assert.Null(found.ManifestPath);
    }

    [Fact]
    public void Project_option_takes_a_project_file_a_folder_or_the_existing_projects_of_a_solution()
    {
        using var repo = new TempFolder("projects");
        repo.Write(".git/HEAD", "ref: refs/heads/main\n");
        repo.Write("src/A/A.csproj", "<Project />\n");
        repo.Write("src/B/B.csproj", "<Project />\n");
        repo.Write("tests/T/T.csproj", "<Project />\n");
        repo.Write("S.slnx", """<Solution><Folder Name="/src/"><Project Path="src/A/A.csproj" /></Folder><Project Path="gone/G.csproj" /></Solution>""");
        repo.Write("S.sln", """
            Microsoft Visual Studio Solution File, Format Version 12.00
            Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "B", "src\B\B.csproj", "{11111111-1111-1111-1111-111111111111}"
            EndProject
            Project("{2150E333-8FDC-42A3-9474-1A3956D46DE8}") = "src", "src", "{22222222-2222-2222-2222-222222222222}"
            EndProject
            """);
        repo.Write("S.slnf", """{ "solution": { "path": "S.sln", "projects": [ "src\\B\\B.csproj" ] } }""");

        Assert.Equal([repo.Combine("src/A/A.csproj")], RepositoryProjects.Find(repo.Path, "src/A/A.csproj").Projects);
        Assert.Equal([repo.Combine("src/A/A.csproj"), repo.Combine("src/B/B.csproj")], RepositoryProjects.Find(repo.Path, "src").Projects);
        Assert.Equal([repo.Combine("src/A/A.csproj")], RepositoryProjects.Find(repo.Path, "S.slnx").Projects);
        Assert.Equal([repo.Combine("src/B/B.csproj")], RepositoryProjects.Find(repo.Path, "S.sln").Projects);
        Assert.Equal([repo.Combine("src/B/B.csproj")], RepositoryProjects.Find(repo.Path, "S.slnf").Projects);
        Assert.Equal(repo.Path, RepositoryProjects.Find(repo.Combine("tests"), "T/T.csproj").Root);
    }

    [Fact]
    public void A_project_option_naming_nothing_usable_is_SKOCI6040_and_an_empty_solution_SKOCI6044()
    {
        using var repo = new TempFolder("projects");
        repo.Write("notes.txt", "x");
        repo.Write("Empty.slnx", "<Solution />");

        var missing = Assert.Throws<SkillsOciException>(() => RepositoryProjects.Find(repo.Path, "nope/App.csproj"));
        var notProject = Assert.Throws<SkillsOciException>(() => RepositoryProjects.Find(repo.Path, "notes.txt"));
        var empty = Assert.Throws<SkillsOciException>(() => RepositoryProjects.Find(repo.Path, "Empty.slnx"));

        Assert.Equal(ErrorCodes.ProjectArgumentInvalid, missing.Diagnostic.Code);
        Assert.Equal(ErrorCodes.ProjectArgumentInvalid, notProject.Diagnostic.Code);
        Assert.Equal(ErrorCodes.SolutionUnreadable, empty.Diagnostic.Code);
    }
}
