using System.CommandLine;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.DenyLists;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci denylist</c>: the group of deny list commands.</summary>
public sealed class DenyListCommand() : ToolCommandGroup("denylist", "Publish deny lists: skills (by digest, name or repository) that restore and sync refuse, with the reason.", new DenyListPushCommand());

/// <summary><c>skills-oci denylist push &lt;reference&gt; --file denylist.json</c>: checks the list, pushes it under the tag and signs it as a skill is signed.</summary>
public sealed class DenyListPushCommand() : ToolCommand("push", "Check a deny list file (a JSON array of {digest|name|repository, reason}), push it to registry/repository:tag and sign it.")
{
    private readonly Argument<string> _reference = new("reference") { Description = "registry/repository:tag, for example ghcr.io/acme/skills/denylist:latest." };

    private readonly Option<string> _file = new("--file") { Description = "The deny list file (docs/format.md \"Deny lists\").", Required = true };

    private readonly Option<string> _signKey = new("--sign-key") { Description = "A PEM private key (PKCS#8, or a cosign key with its password in SKILLS_OCI_SIGNING_PASSWORD) that signs the list." };

    private readonly Option<string> _signatureFormats = new("--signature-formats") { Description = "bundle, legacy, both (the default) or none, as SkillSignatureFormats." };

    protected override void Define(Command command)
    {
        command.Arguments.Add(_reference);
        command.Options.Add(_file);
        command.Options.Add(_signKey);
        command.Options.Add(_signatureFormats);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var file = Path.GetFullPath(parse.GetValue(_file)!);
        var formats = SkillSigner.ParseFormats(parse.GetValue(_signatureFormats));
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SkillsOciException(ErrorCodes.DenyListInvalid, $"The deny list file '{file}' could not be read: {ex.Message}", file);
        }

        using var key = parse.GetValue(_signKey) is { Length: > 0 } keyPath
            ? await SigstoreDiagnostics.LoadSigningKeyFileAsync(Path.GetFullPath(keyPath), "--sign-key", null, cancellationToken).ConfigureAwait(false)
            : null;
        using var client = new RegistryClient();
        var result = await new DenyListPublisher(client).PushAsync(parse.GetValue(_reference)!, content, $"'{file}'", key, formats, cancellationToken).ConfigureAwait(false);
        output.Info(result.Summary);
        if (output.Format == OutputFormat.Json)
        {
            output.Json(new { Reference = result.Reference.ToString(), Digest = result.Manifest.Digest.ToString(), result.Entries, SignedBy = result.Signer });
        }
        else
        {
            output.Data($"{result.Reference}@{result.Manifest.Digest}");
        }

        return ExitCodes.Success;
    }
}
