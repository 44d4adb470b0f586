using System.Xml.Linq;
using Skills.Oci.Build.Tasks;

namespace Skills.Oci.Build.Tests.Sdk;

/// <summary>
/// Every Skills.Oci task is declared twice in Skills.Oci.Tasks.targets, under its own name: in process
/// (.NET MSBuild) and through the out-of-process factory (Visual Studio 2022). A task added with only
/// one declaration would silently do nothing on the other host.
/// </summary>
public sealed class TaskDeclarationTests
{
    [Fact]
    public void Every_task_class_has_an_in_process_and_an_out_of_process_declaration()
    {
        var targets = XDocument.Load(RepositoryRoot.File(Path.Combine("src", "Skills.Oci.Sdk", "Sdk", "Skills.Oci.Tasks.targets")));
        var declarations = targets.Descendants().Where(e => e.Name.LocalName == "UsingTask")
            .Select(e => (Name: (string?)e.Attribute("TaskName"), Factory: (string?)e.Attribute("TaskFactory")))
            .ToList();
        var tasks = typeof(SkillsOciTask).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsPublic: true } && t.IsSubclassOf(typeof(SkillsOciTask)))
            .Select(t => t.FullName!)
            .ToList();

        Assert.True(tasks.Count >= 6, "the task classes were not found");
        var missing = tasks.Where(task =>
            !declarations.Contains((task, null)) ||
            !declarations.Contains((task, "Skills.Oci.Build.NetFx.SkillsOciOutOfProcessTaskFactory"))).ToList();
        Assert.Empty(missing);
    }
}
