using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Trust.Policy;
using static Skills.Oci.Build.Tests.Restore.RestoreWorkspace;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// The engine expanding collections: every dialect in the wild, subsets, nesting, locking members by the
/// pinned digest, collisions, pruning and trust per member, over a layout-backed registry.
/// </summary>
public sealed class CollectionExpansionTests : IDisposable
{
    private readonly RestoreWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static SkillReferenceItem Collection(string name = "dev-tools", string version = "1.0.0", string? skills = null) =>
        new(SkillRegistry.Repo(name), version, skills is null ? null : new Dictionary<string, string> { ["Skills"] = skills });

    private LockFile ReadLock() => LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath);

    [Fact]
    public async Task Our_collection_installs_every_member_pinned_by_digest_and_locks_the_collection()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var review = await _ws.Registry.PublishSkillAsync("review", "2.0.0");
        var index = await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pdf, "1.0.0"), ("review", review, "2.0.0")));

        var result = await _ws.RestoreAsync(Collection());

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("pdf"), "SKILL.md")));
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("review"), "SKILL.md")));
        var lockFile = ReadLock();
        var collection = Assert.Single(lockFile.Collections);
        Assert.Equal("dev-tools", collection.Name);
        Assert.Equal(index.Digest, collection.Source.Digest);
        Assert.Equal("1.0.0", collection.Source.Tag);
        Assert.Equal(["pdf", "review"], collection.Members);
        Assert.Equal(["src/App/App.csproj"], collection.Projects);
        var member = lockFile.Find("review")!;
        Assert.Equal("dev-tools", member.Collection);
        Assert.Equal(new RegistryLockSource(SkillRegistry.Registry, "skills/review", "2.0.0", review.Digest), member.Source);
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(_ws.LockPath));
        Assert.Contains("\"collection\": \"dev-tools\"", text, StringComparison.Ordinal);
        Assert.Contains("\"collections\": [", text, StringComparison.Ordinal);

        // The bytes read back are the bytes written.
        Assert.Equal(File.ReadAllBytes(_ws.LockPath), lockFile.Serialize());
    }

    [Fact]
    public async Task A_member_is_pulled_by_the_pinned_digest_not_by_its_tag()
    {
        var pinned = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "pinned\n"));
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pinned, "1.0.0")));
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "moved\n"));

        var result = await _ws.RestoreAsync(Collection());

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal("pinned\n", File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "notes.md")));
        Assert.Equal(pinned.Digest, ReadLock().Find("pdf")!.RegistrySource.Digest);
    }

    [Fact]
    public async Task The_go_cli_dialect_with_ref_name_only_installs()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.GoCli("dev-tools", ("pdf", pdf, "1.0.0")));

        var result = await _ws.RestoreAsync(Collection());

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var member = ReadLock().Find("pdf")!;
        Assert.Equal("dev-tools", member.Collection);
        Assert.Equal("1.0.0", member.RegistrySource.Tag);
    }

    [Fact]
    public async Task The_arconia_dialect_with_size_zero_installs_verified_by_digest_with_a_warning()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Arconia("dev-tools", ("pdf", pdf, "1.0.0")));

        var result = await _ws.RestoreAsync(Collection());

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Equal(pdf.Digest, ReadLock().Find("pdf")!.RegistrySource.Digest);
    }

    [Fact]
    public async Task A_subset_installs_only_the_named_members_and_an_unknown_name_lists_the_members()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var review = await _ws.Registry.PublishSkillAsync("review", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pdf, "1.0.0"), ("review", review, "1.0.0")));

        var subset = await _ws.RestoreAsync(Collection(skills: "review"));

        Assert.True(subset.Succeeded, string.Join("\n", subset.Diagnostics));
        Assert.False(Directory.Exists(_ws.SkillFolder("pdf")));
        Assert.True(Directory.Exists(_ws.SkillFolder("review")));
        Assert.Equal(["review"], ReadLock().Collections[0].Members);
        Assert.Equal("review", ReadLock().Collections[0].Requests[0].Skills);

        var before = _ws.Snapshot();
        var unknown = await _ws.RestoreAsync(Collection(skills: "review;nope"));

        var error = Assert.Single(unknown.Diagnostics);
        Assert.Equal(ErrorCodes.UnknownCollectionMember, error.Code);
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("pdf, review", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task A_locked_restore_after_a_member_tag_moved_installs_the_pinned_digest_without_tag_lookups()
    {
        var pinned = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "pinned\n"));
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pinned, "1.0.0")));
        var first = await _ws.RestoreAsync(Collection());
        Assert.True(first.Succeeded, string.Join("\n", first.Diagnostics));

        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "moved\n"));
        Directory.Delete(_ws.SkillFolder("pdf"), recursive: true);
        Directory.Delete(_ws.CachePath, recursive: true);
        var lookupsBefore = _ws.Source.TagLists;

        var locked = await _ws.RestoreAsync("src/App/App.csproj", _ws.Options() with { LockedMode = true }, Collection());

        Assert.True(locked.Succeeded, string.Join("\n", locked.Diagnostics));
        Assert.Equal(lookupsBefore, _ws.Source.TagLists);
        Assert.Equal("pinned\n", File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "notes.md")));
    }

    [Fact]
    public async Task Removing_the_reference_prunes_the_collection_and_its_members()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pdf, "1.0.0")));
        Assert.True((await _ws.RestoreAsync(Collection())).Succeeded);

        var pruned = await _ws.RestoreAsync();

        Assert.True(pruned.Succeeded, string.Join("\n", pruned.Diagnostics));
        Assert.False(Directory.Exists(_ws.SkillFolder("pdf")));
        Assert.Empty(ReadLock().Skills);
        Assert.Empty(ReadLock().Collections);
    }

    [Fact]
    public async Task A_member_and_a_direct_reference_of_the_same_name_collide_naming_both()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pdf, "1.0.0")));

        var result = await _ws.RestoreAsync(Collection(), Ref("pdf"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.CollectionNameCollision, error.Code);
        Assert.Contains("'dev-tools'", error.Message, StringComparison.Ordinal);
        Assert.Contains("SkillReference localhost:5000/skills/pdf", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.LockPath));
    }

    [Fact]
    public async Task Two_collections_listing_one_skill_name_collide_naming_both()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pdf, "1.0.0")));
        await CollectionIndexes.PublishAsync(_ws.Registry, "docs-tools", "1.0.0", CollectionIndexes.Ours("docs-tools", ("pdf", pdf, "1.0.0")));

        var result = await _ws.RestoreAsync(Collection("dev-tools"), Collection("docs-tools"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.CollectionNameCollision, error.Code);
        Assert.Contains("'dev-tools'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'docs-tools'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nested_collections_install_to_depth_three_and_deeper_is_an_error()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var inner = await CollectionIndexes.PublishAsync(_ws.Registry, "inner", "1.0.0", CollectionIndexes.Ours("inner", ("pdf", pdf, "1.0.0")));
        var middle = await CollectionIndexes.PublishAsync(_ws.Registry, "middle", "1.0.0", CollectionIndexes.Ours("middle", ("inner", inner, "1.0.0")));
        var outer = await CollectionIndexes.PublishAsync(_ws.Registry, "outer", "1.0.0", CollectionIndexes.Ours("outer", ("middle", middle, "1.0.0")));
        await CollectionIndexes.PublishAsync(_ws.Registry, "too-deep", "1.0.0", CollectionIndexes.Ours("too-deep", ("outer", outer, "1.0.0")));

        var nested = await _ws.RestoreAsync(Collection("outer"));

        Assert.True(nested.Succeeded, string.Join("\n", nested.Diagnostics));
        Assert.Equal("outer", ReadLock().Find("pdf")!.Collection);
        // The nested indexes are locked by the digests read, so review sees every index the skill came through.
        Assert.Equal(
            [new NestedCollectionLockEntry("inner", new RegistryLockSource(SkillRegistry.Registry, "skills/inner", "1.0.0", inner.Digest)),
             new NestedCollectionLockEntry("middle", new RegistryLockSource(SkillRegistry.Registry, "skills/middle", "1.0.0", middle.Digest))],
            ReadLock().Collections[0].Nested);
        Assert.Equal(File.ReadAllBytes(_ws.LockPath), ReadLock().Serialize());

        var deep = await _ws.RestoreAsync(Collection("too-deep"));

        var error = Assert.Single(deep.Diagnostics);
        Assert.Equal(ErrorCodes.CollectionTooDeep, error.Code);
        Assert.Contains("'too-deep' > 'outer' > 'middle' > 'inner'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_failing_member_is_reported_in_the_collections_order()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var lost = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.ComputeSha256("lost"u8), Size = 4 };
        var gone = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.ComputeSha256("gone"u8), Size = 4 };
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("zeta", lost, "1.0.0"), ("pdf", pdf, "1.0.0"), ("alpha", gone, "1.0.0")));

        var result = await _ws.RestoreAsync(Collection());

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Message).ToList();
        Assert.Contains(lost.Digest.ToString(), errors[0], StringComparison.Ordinal);
        Assert.Contains(gone.Digest.ToString(), errors[1], StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.LockPath));
    }

    [Fact]
    public async Task A_skillimage_yaml_collection_installs_members_by_digest_or_by_tag_when_it_has_none()
    {
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var review = await _ws.Registry.PublishSkillAsync("review", "2.0.0");
        await CollectionIndexes.PublishSkillImageAsync(_ws.Registry, "dev-tools", "1.0.0", "dev-tools",
            ("pdf", $"{SkillRegistry.Repo("pdf")}:1.0.0@{pdf.Digest}"), ("review", $"{SkillRegistry.Repo("review")}:2.0.0"));

        var result = await _ws.RestoreAsync(Collection());

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var lockFile = ReadLock();
        Assert.Equal(pdf.Digest, lockFile.Find("pdf")!.RegistrySource.Digest);
        Assert.Equal(review.Digest, lockFile.Find("review")!.RegistrySource.Digest);
        Assert.Equal("2.0.0", lockFile.Find("review")!.RegistrySource.Tag);
        Assert.Equal(["pdf", "review"], lockFile.Collections[0].Members);
    }

    [Fact]
    public async Task A_collection_that_contains_itself_is_a_cycle()
    {
        // Digests cannot loop; a skillimage entry by tag can.
        await CollectionIndexes.PublishSkillImageAsync(_ws.Registry, "loop", "1.0.0", "loop", ("loop", $"{SkillRegistry.Repo("loop")}:1.0.0"));

        var result = await _ws.RestoreAsync(Collection("loop"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.CollectionCycle, error.Code);
        Assert.Contains("'loop'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.LockPath));
    }

    [Fact]
    public async Task Skills_on_a_reference_to_one_skill_is_an_error()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");

        var result = await _ws.RestoreAsync(new SkillReferenceItem(SkillRegistry.Repo("pdf"), "1.0.0", new Dictionary<string, string> { ["Skills"] = "pdf" }));

        Assert.Equal(ErrorCodes.SkillsSubsetOnSkill, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public async Task Trust_policies_apply_to_each_member_by_its_own_repository()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var other = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var review = await _ws.Registry.PublishSkillAsync("review", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pdf, "1.0.0"), ("review", review, "1.0.0")));
        var source = new TrustedRestoreTests.SignedSource(_ws.Registry.Source);
        source.Add(pdf.Digest, new SigstoreBundleSigner(key).SignStatement("pdf", pdf.Digest));

        var verified = await RestoreAsync(source, Policy("skills/pdf", key));

        Assert.True(verified.Succeeded, string.Join("\n", verified.Diagnostics));
        Assert.Equal("key:" + key.PublicKey.Fingerprint, ReadLock().Find("pdf")!.VerifiedBy);
        Assert.Null(ReadLock().Find("review")!.VerifiedBy);

        Directory.Delete(_ws.SkillFolder("pdf"), recursive: true);
        var refused = await RestoreAsync(source, Policy("skills/pdf", other));

        Assert.False(refused.Succeeded);
        Assert.Equal([ErrorCodes.SignerMismatch], refused.Diagnostics.Select(d => d.Code));
        Assert.False(Directory.Exists(_ws.SkillFolder("pdf")));
    }

    [Fact]
    public async Task A_policy_matching_the_collection_requires_a_signature_on_the_index()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var index = await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pdf, "1.0.0")));
        var source = new TrustedRestoreTests.SignedSource(_ws.Registry.Source);

        var unsigned = await RestoreAsync(source, Policy("skills/dev-tools", key));

        var error = Assert.Single(unsigned.Diagnostics);
        Assert.Equal(ErrorCodes.CollectionNotSigned, error.Code);
        Assert.Contains("'dev-tools'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.LockPath));

        source.Add(index.Digest, new SigstoreBundleSigner(key).SignStatement("dev-tools", index.Digest));
        var signed = await RestoreAsync(source, Policy("skills/dev-tools", key));

        Assert.True(signed.Succeeded, string.Join("\n", signed.Diagnostics));
        Assert.True(Directory.Exists(_ws.SkillFolder("pdf")));
    }

    [Fact]
    public async Task A_policy_added_over_a_locked_collection_checks_its_index_again()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var pdf = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("pdf", pdf, "1.0.0")));
        var source = new TrustedRestoreTests.SignedSource(_ws.Registry.Source);
        Assert.True((await RestoreAsync(source, _ws.Options())).Succeeded);

        var guarded = await RestoreAsync(source, Policy("skills/dev-tools", key));

        Assert.Equal([ErrorCodes.CollectionNotSigned], guarded.Diagnostics.Select(d => d.Code));
    }

    private SkillRestoreOptions Policy(string repository, SigningKey key)
    {
        var path = _ws.TempPath(key.PublicKey.Fingerprint.Replace(':', '_') + ".pub");
        File.WriteAllText(path, key.PublicKey.ToPem());
        return _ws.Options() with { TrustPolicies = [new SkillTrustPolicyItem($"{SkillRegistry.Registry}/{repository}", new Dictionary<string, string> { ["Key"] = path })] };
    }

    private Task<SkillRestoreResult> RestoreAsync(ISkillSource source, SkillRestoreOptions options) =>
        new SkillRestoreEngine(source).RestoreAsync(
            new SkillRestoreRequest { SkillsRoot = _ws.Root, ProjectPath = _ws.Project(), References = [Collection()] },
            options,
            CancellationToken.None);
}
