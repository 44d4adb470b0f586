using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.DenyLists;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Restore;

/// <summary>A deny list as restore uses it: its reference, the manifest it resolved to, the list, and who signed it.</summary>
public sealed record LoadedDenyList(ImageReference Reference, Digest Digest, DenyList List, string? VerifiedBy);

/// <summary>A locked skill a deny list covers: the skill, the list and the entry that names it.</summary>
public sealed record DeniedSkill(LockEntry Skill, LoadedDenyList List, DenyListEntry Entry)
{
    public string Describe() =>
        $"The skill '{Skill.Name}' ({Skill.Source.Ref}) is on the deny list {List.Reference} ({Entry}): {Entry.Reason.TrimEnd('.')}.";

    /// <summary>The restore's error: nothing is installed; say how to get rid of what already is.</summary>
    public Diagnostic ToError(string projectPath) => Diagnostic.Error(ErrorCodes.SkillDenied,
        $"{Describe()} Nothing was installed. Remove its SkillReference (or the package that brings it), or set SkillsRemoveDenied=true to remove it from the skills root.",
        projectPath);

    /// <summary>SkillsRemoveDenied's warning: the skill was taken out of the skills root and the lock.</summary>
    public Diagnostic ToRemovedWarning(string projectPath) => Diagnostic.Warning(ErrorCodes.DeniedSkillRemoved,
        $"{Describe()} It was removed from the skills root and the lock (SkillsRemoveDenied). Remove its SkillReference to silence this warning.",
        projectPath);
}

/// <summary>
/// The <c>SkillDenyList</c> items of a restore: each list is fetched through the restore's source (so
/// mirrors apply), checked against the trust policy covering its repository with the skills' own
/// <see cref="SkillTrustGate"/>, and kept in the skills cache (manifest, content, signature snapshot and
/// a record of when it was fetched). When the registry cannot be reached, or the restore is offline,
/// the cached copy is used and verified again from its snapshot, with a warning giving its age.
/// </summary>
public sealed class DenyListGate
{
    private const string RecordFolder = "denylists";

    private readonly SkillCache _cache;
    private readonly SkillTrustPolicySet _policies;
    private readonly SkillRestoreOptions _options;
    private readonly string _projectPath;

    public DenyListGate(SkillCache cache, SkillTrustPolicySet policies, SkillRestoreOptions options, string projectPath)
    {
        _cache = cache;
        _policies = policies;
        _options = options;
        _projectPath = projectPath;
    }

    /// <summary>Fetches (or reads from the cache) every list; warnings go to <paramref name="diagnostics"/>; a list that cannot be used throws.</summary>
    public async Task<IReadOnlyList<LoadedDenyList>> LoadAsync(IReadOnlyList<string> references, ISkillSource? source, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var lists = new List<LoadedDenyList>();
        foreach (var text in references.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal))
        {
            if (!ImageReference.TryParse(text, out var reference, out var error))
            {
                throw new SkillsOciException(ErrorCodes.DenyListReferenceInvalid,
                    $"The SkillDenyList '{text}' is not a valid OCI reference: {error.TrimEnd('.')}. Name the list's registry/repository:tag, for example ghcr.io/acme/skills/denylist:latest.",
                    _projectPath);
            }

            lists.Add(await LoadOneAsync(reference!, source, diagnostics, cancellationToken).ConfigureAwait(false));
        }

        return lists;
    }

    /// <summary>Every skill of <paramref name="lockFile"/> that a list covers, by name, repository, manifest digest or content digest.</summary>
    public static IReadOnlyList<DeniedSkill> Check(LockFile lockFile, IReadOnlyList<LoadedDenyList> lists)
    {
        var denied = new List<DeniedSkill>();
        foreach (var skill in lockFile.Skills)
        {
            var registry = skill.Source as RegistryLockSource;
            var digests = new[] { registry?.Digest, skill.ContentDigest }.OfType<Digest>().ToList();
            foreach (var list in lists)
            {
                if (list.List.Find(skill.Name, registry?.RepositoryKey, digests) is { } entry)
                {
                    denied.Add(new DeniedSkill(skill, list, entry));
                    break;
                }
            }
        }

        return denied;
    }

    /// <summary>The lock without <paramref name="denied"/>: their entries go, and so do their names among collection members.</summary>
    public static LockFile Without(LockFile lockFile, IReadOnlyList<DeniedSkill> denied)
    {
        var names = denied.Select(d => d.Skill.Name).ToHashSet(StringComparer.Ordinal);
        return lockFile with
        {
            Skills = lockFile.Skills.Where(s => !names.Contains(s.Name)).ToList(),
            Collections = lockFile.Collections.Select(c => c with { Members = c.Members.Where(m => !names.Contains(m)).ToList() }).ToList(),
        };
    }

    private async Task<LoadedDenyList> LoadOneAsync(ImageReference reference, ISkillSource? source, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        if (source is not null)
        {
            try
            {
                return await FetchAsync(reference, source, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (ex.Kind is RegistryErrorKind.Unreachable or RegistryErrorKind.Protocol)
            {
                var cached = await ReadCachedAsync(reference, cancellationToken).ConfigureAwait(false)
                    ?? throw new SkillsOciException(ErrorCodes.DenyListUnavailable,
                        $"The deny list {reference} could not be fetched ({ex.Message.TrimEnd('.')}) and no copy is cached, so the skills cannot be checked against it; nothing was installed. Restore once with the registry reachable.",
                        _projectPath, innerException: ex);
                diagnostics.Add(Diagnostic.Warning(ErrorCodes.DenyListCachedCopyUsed,
                    $"The deny list {reference} could not be fetched ({ex.Message.TrimEnd('.')}); the cached copy fetched {Age(cached.FetchedAt)} ago ({LockFile.FormatTimestamp(cached.FetchedAt)}, {cached.List.Digest}) was used.",
                    _projectPath));
                return cached.List;
            }
        }

        var offline = await ReadCachedAsync(reference, cancellationToken).ConfigureAwait(false)
            ?? throw new SkillsOciException(ErrorCodes.DenyListUnavailable,
                $"The deny list {reference} is not cached, so the skills cannot be checked against it offline (design-time build); nothing was installed. Run 'dotnet restore'.",
                _projectPath);
        return offline.List;
    }

    private async Task<LoadedDenyList> FetchAsync(ImageReference reference, ISkillSource source, CancellationToken cancellationToken)
    {
        var (descriptor, bytes) = await source.FetchTaggedManifestAsync(reference, _options.Limits, cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            throw Invalid(reference, $"its manifest is {descriptor.Size} bytes, over the limit of {_options.Limits.MaxManifestBytes}");
        }

        var layer = ContentOf(reference, bytes);
        await using var verifying = new VerifyingReadStream(await source.FetchBlobAsync(reference, layer, cancellationToken).ConfigureAwait(false), layer.Digest, layer.Size) { Source = reference.ToString() };
        var content = await verifying.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var list = DenyList.Parse(content, reference.ToString());

        var manifest = descriptor with { Annotations = null, Data = null };
        await _cache.StoreAsync(manifest, bytes, cancellationToken).ConfigureAwait(false);
        await _cache.StoreAsync(layer with { Annotations = null }, content, cancellationToken).ConfigureAwait(false);
        var signer = await VerifyAsync(reference, manifest.Digest, source as ISkillSignatureSource, cancellationToken).ConfigureAwait(false);
        await WriteRecordAsync(reference, manifest, cancellationToken).ConfigureAwait(false);
        return new LoadedDenyList(reference, manifest.Digest, list, signer);
    }

    private async Task<(LoadedDenyList List, DateTimeOffset FetchedAt)?> ReadCachedAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        var path = RecordPath(reference);
        if (!File.Exists(path))
        {
            return null;
        }

        Digest digest;
        DateTimeOffset fetchedAt;
        try
        {
            using var record = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
            digest = Digest.Parse(record.RootElement.GetProperty("digest").GetString()!);
            fetchedAt = DateTimeOffset.Parse(record.RootElement.GetProperty("fetchedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            // A damaged record is as good as none.
            return null;
        }

        if (await _cache.TryReadManifestAsync(digest, _options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false) is not { } manifest)
        {
            return null;
        }

        var layer = ContentOf(reference, manifest.Bytes);
        if (await _cache.TryReadBlobAsync(layer, DenyList.MaxBytes, cancellationToken).ConfigureAwait(false) is not { } content)
        {
            return null;
        }

        var list = DenyList.Parse(content, reference.ToString());
        var signer = await VerifyAsync(reference, digest, network: null, cancellationToken).ConfigureAwait(false);
        return (new LoadedDenyList(reference, digest, list, signer), fetchedAt);
    }

    /// <summary>The list's trust check is the skills' one; its failure is reported as the list's, naming it.</summary>
    private async Task<string?> VerifyAsync(ImageReference reference, Digest digest, ISkillSignatureSource? network, CancellationToken cancellationToken)
    {
        var gate = new SkillTrustGate(_policies, _options.RequireSignatures, _options.TrustedRootPath, _cache.Layout, network, _projectPath, _options.Time);
        SkillTrustOutcome outcome;
        try
        {
            outcome = await gate.CheckAsync("denylist", reference.WithTag(null).WithDigest(null), digest, preferSnapshot: network is null, cancellationToken).ConfigureAwait(false);
        }
        catch (SkillsOciException ex)
        {
            throw new SkillsOciException(Diagnostic.Error(ErrorCodes.DenyListUntrusted,
                $"The deny list {reference}@{digest} is not trusted, so it was not used and nothing was installed: {ex.Diagnostic.Code}: {ex.Diagnostic.Message}",
                ex.Diagnostic.File ?? _projectPath, ex.Diagnostic.Line, ex.Diagnostic.Column), ex);
        }

        if (outcome.Unavailable is { } unavailable)
        {
            throw new SkillsOciException(unavailable with { Code = ErrorCodes.DenyListUnavailable, Severity = DiagnosticSeverity.Error, Message = $"The deny list {reference} cannot be verified offline: {unavailable.Message}" });
        }

        return outcome.VerifiedBy;
    }

    /// <summary>The one layer of the list's type (or, as some tools write artifacts, a config of that type).</summary>
    private Descriptor ContentOf(ImageReference reference, byte[] manifestBytes)
    {
        OciManifest manifest;
        try
        {
            manifest = OciManifest.Parse(manifestBytes);
        }
        catch (RegistryException ex)
        {
            throw Invalid(reference, ex.Message.TrimEnd('.'));
        }

        var layers = (manifest.Layers ?? []).Where(l => l.MediaType == DenyList.MediaType).ToList();
        if (layers.Count == 1 && layers[0].Size <= DenyList.MaxBytes)
        {
            return layers[0];
        }

        if (layers.Count == 0 && manifest.Config is { MediaType: DenyList.MediaType } config && config.Size <= DenyList.MaxBytes)
        {
            return config;
        }

        throw Invalid(reference, manifest.ArtifactType != DenyList.MediaType && manifest.Config?.MediaType != DenyList.MediaType
            ? $"it is not a deny list (artifact type '{manifest.ArtifactType ?? manifest.Config?.MediaType}', not '{DenyList.MediaType}')"
            : $"it must have exactly one layer of type '{DenyList.MediaType}', of at most {DenyList.MaxBytes} bytes");
    }

    private async Task WriteRecordAsync(ImageReference reference, Descriptor manifest, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("reference", reference.ToString());
            writer.WriteString("digest", manifest.Digest.ToString());
            writer.WriteString("fetchedAt", LockFile.FormatTimestamp(_options.Time.GetUtcNow()));
            writer.WriteEndObject();
        }

        var path = RecordPath(reference);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await AtomicFile.WriteAllBytesAsync(path, buffer.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private string RecordPath(ImageReference reference) =>
        Path.Combine(_cache.Root, RecordFolder, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(reference.ToString()))).ToLowerInvariant() + ".json");

    private string Age(DateTimeOffset fetchedAt)
    {
        var age = _options.Time.GetUtcNow() - fetchedAt;
        return age.TotalDays >= 2 ? $"{(int)age.TotalDays} days"
            : age.TotalHours >= 2 ? $"{(int)age.TotalHours} hours"
            : age.TotalMinutes >= 2 ? $"{(int)age.TotalMinutes} minutes"
            : $"{Math.Max(0, (int)age.TotalSeconds)} seconds";
    }

    private SkillsOciException Invalid(ImageReference reference, string why) =>
        new(ErrorCodes.DenyListInvalid, $"The deny list {reference} is invalid: {why}. See docs/format.md \"Deny lists\".", _projectPath);
}
