using System.CommandLine;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Registry;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci collection</c>: the group of collection commands.</summary>
public sealed class CollectionCommand() : ToolCommandGroup("collection", "Publish collections: many skills listed under one reference, each pinned by digest.", new CollectionPushCommand());

/// <summary>
/// <c>skills-oci collection push &lt;reference&gt; --skill REF...</c>: what <c>dotnet pack /t:PushSkill</c> of a
/// collection project does, without a project: the same engine, codes and summary line.
/// </summary>
public sealed class CollectionPushCommand() : ToolCommand("push", "Resolve each --skill to its digest, check it is a skill, and push the collection index to registry/repository:version.")
{
    private readonly PushTargetOptions _target = new("collection");

    private readonly Option<string[]> _skills = new("--skill") { Description = "A member (repeatable): registry/repository:tag, registry/repository@sha256:digest, or registry/repository@VERSION-SPEC such as ghcr.io/acme/skills/pdf@1.*.", AllowMultipleArgumentsPerToken = false, Required = true };

    private readonly Option<string> _name = new("--name") { Description = "io.agentskills.collection.name; default: the repository's last segment." };

    private readonly Option<string> _description = new("--description") { Description = "org.opencontainers.image.description of the index." };

    protected override void Define(Command command)
    {
        _target.AddTo(command);
        command.Options.Add(_skills);
        command.Options.Add(_name);
        command.Options.Add(_description);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var (repository, version) = PublishTarget.SplitReference(_target.GetReference(parse), "The collection lists the --skill references.");
        using var client = new RegistryClient();
        var result = await new SkillCollectionPublisher(client).PublishAsync(new SkillCollectionPublishRequest
        {
            Repository = repository,
            Version = version,
            AdditionalTags = _target.GetTags(parse),
            Name = parse.GetValue(_name),
            Description = parse.GetValue(_description),
            SourceDateEpoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"),
            Members = (parse.GetValue(_skills) ?? []).Select(SkillCollectionMemberSpec.FromArgument).ToList(),
        }, output.ProgressReporter, cancellationToken).ConfigureAwait(false);

        output.Diagnostics(result.Warnings);
        output.Info(result.Summary);
        if (output.Format == OutputFormat.Json)
        {
            output.Json(new
            {
                Reference = result.Reference.ToString(),
                Repository = result.Reference.RepositoryName,
                Digest = result.Index.Digest.ToString(),
                Tags = result.Tags,
                Name = result.Name,
                Skills = result.Members.Select(m => new { m.Entry.Name, Reference = m.Entry.Reference.ToString(), Digest = m.Entry.Manifest.Digest.ToString() }),
                result.MembersCopied,
            });
        }
        else
        {
            output.Data(result.Reference.ToString());
        }

        return ExitCodes.Success;
    }
}
