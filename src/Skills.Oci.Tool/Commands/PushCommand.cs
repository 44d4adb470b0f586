using System.CommandLine;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Registry;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci push &lt;reference&gt;</c>: packs a skill folder as <c>dotnet pack</c> would and pushes it as PushSkill does.</summary>
public sealed class PushCommand() : ToolCommand("push", "Validate, pack and push a skill folder (no project file) to registry/repository:version; the same bytes as 'dotnet pack' of the folder as a skill project.")
{
    private readonly PushTargetOptions _target = new("skill");

    private readonly Option<string> _path = new("--path") { Description = "The skill folder (holds SKILL.md). Default: the current folder." };

    private readonly Option<string> _signKey = new("--sign-key") { Description = "A PEM private key (PKCS#8, or a cosign key with its password in SKILLS_OCI_SIGNING_PASSWORD) that signs the pushed manifest." };

    private readonly Option<string> _signatureFormats = new("--signature-formats") { Description = "bundle, legacy, both (the default) or none, as SkillSignatureFormats." };

    protected override void Define(Command command)
    {
        _target.AddTo(command);
        command.Options.Add(_path);
        command.Options.Add(_signKey);
        command.Options.Add(_signatureFormats);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        using var client = new RegistryClient();
        var outcome = await new SkillFolderPublisher(client).PushAsync(new SkillFolderPushRequest
        {
            Folder = parse.GetValue(_path) ?? Environment.CurrentDirectory,
            Reference = _target.GetReference(parse),
            AdditionalTags = _target.GetTags(parse),
            SigningKeyPath = parse.GetValue(_signKey),
            SignatureFormats = parse.GetValue(_signatureFormats),
            SourceDateEpoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"),
        }, output.ProgressReporter, cancellationToken).ConfigureAwait(false);
        output.Diagnostics(outcome.Diagnostics);
        if (outcome.Published is not { } published)
        {
            return ExitCodes.Failure;
        }

        output.Diagnostics(published.Warnings);
        output.Info(published.Summary);
        if (output.Format == OutputFormat.Json)
        {
            output.Json(new
            {
                Reference = published.Push.Reference.ToString(),
                Repository = published.Push.Reference.RepositoryName,
                Digest = published.Push.Manifest.Digest.ToString(),
                Tags = published.Push.Tags,
                SignedBy = published.Signatures?.Signer,
            });
        }
        else
        {
            output.Data(published.Push.Reference.ToString());
        }

        return ExitCodes.Success;
    }
}
