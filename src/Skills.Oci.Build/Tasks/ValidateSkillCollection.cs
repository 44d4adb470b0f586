using Microsoft.Build.Framework;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Checks a collection project on <c>dotnet build</c> and <c>dotnet pack</c> without a registry: the
/// repository, Version and tags, the name, and every member's Include and Version, each problem a coded
/// error at the member's line.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "An MSBuild task is named verb + what it acts on, here a skill collection.")]
public sealed class ValidateSkillCollection : SkillCollectionTask
{
    protected override System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var request = CreateRequest();
        var (plan, diagnostics) = SkillCollectionPublisher.Validate(request);
        LogDiagnostics(diagnostics);
        if (plan is not null)
        {
            Log.LogMessage(MessageImportance.Normal, $"Collection '{plan.Name}' {plan.Target.Version.Text}: {plan.Members.Count} member(s), to {plan.Target.Repository.RepositoryName}.");
        }

        return System.Threading.Tasks.Task.CompletedTask;
    }
}
