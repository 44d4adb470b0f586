using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Tests.Restore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Trust;

namespace Skills.Oci.Build.Tests.Collections;

/// <summary>
/// Collections end to end on the real distribution registry (which validates index children): pushed
/// by a project and by <c>skills-oci collection push</c>, written by hand in each tool's dialect and
/// PUT raw, nested, cyclic, subset, locked after a member's tag moved, colliding, all restored by the
/// real <c>dotnet restore</c>, with <c>skills-oci why</c> and <c>skills-oci sync</c> reading the lock.
/// </summary>
[Collection(CollectionsRegistry.Name)]
public sealed class CollectionRestoreEndToEndTests(RegistryFixture fixture)
{
    private const string Epoch = "1775117469";

    private static LockFile ReadLock(ConsumerWorkspace repo) => LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);

    private static string Reference(string include, string version, string? skills = null) =>
        $"""<SkillReference Include="{include}" Version="{version}"{(skills is null ? string.Empty : $" Skills=\"{skills}\"")} />""";

    private static string Items(params string[] references) => $"  <ItemGroup>\n    {string.Join("\n    ", references)}\n  </ItemGroup>\n";

    [Fact]
    public async Task Collections_pushed_by_a_project_and_by_the_command_line_restore_every_member_by_its_pinned_digest()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "e2e-push");
        var pdf = await skills.PublishSkillAsync("pdf", "1.0.0");
        await skills.PublishSkillAsync("lint", "1.0.0");
        var lint = await skills.PublishSkillAsync("lint", "1.4.0");
        var review = await skills.PublishSkillAsync("review", "2.0.0");
        var grilling = await skills.PublishSkillAsync("grilling", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var epoch = new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = Epoch };
        repo.Workspace.Write("collections/dev-tools/dev-tools.csproj", $"""
            <Project Sdk="Skills.Oci.Sdk">
              <PropertyGroup>
                <SkillCollection>true</SkillCollection>
                <Version>1.0.0</Version>
                <SkillRepository>{skills.Repo("dev-tools")}</SkillRepository>
              </PropertyGroup>
              <ItemGroup>
                <SkillCollectionMember Include="{skills.Repo("pdf")}" Version="1.0.0" />
                <SkillCollectionMember Include="{skills.Repo("lint")}" Version="1.*" />
              </ItemGroup>
            </Project>
            """);
        var packed = await repo.Workspace.CreateCli("collections/dev-tools", epoch).RunAsync("pack", "/t:PushSkill");
        Assert.True(packed.Succeeded, packed.ToString());
        var tool = await SkillsOciTool.GetAsync();
        var pushed = await tool.CreateCli(repo.Workspace, environment: epoch)
            .RunAsync("collection", "push", skills.Repo("team") + ":2.0.0", "--skill", skills.Repo("review") + ":2.0.0", "--skill", skills.Repo("grilling") + "@1.0.0", "--name", "team");
        Assert.True(pushed.Succeeded, pushed.ToString());

        // Both indexes, read back with skopeo, are collections whose entries pin the members' manifests exactly.
        var devTools = await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "e2e-push/dev-tools:1.0.0");
        var team = await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "e2e-push/team:2.0.0");
        foreach (var (raw, members) in new[] { (devTools, new[] { pdf, lint }), (team, new[] { review, grilling }) })
        {
            var index = JsonDocument.Parse(raw).RootElement;
            Assert.Equal(MediaTypes.SkillCollection, index.GetProperty("artifactType").GetString());
            var entries = index.GetProperty("manifests").EnumerateArray().ToList();
            Assert.Equal(members.Select(m => m.Digest.ToString()).Order(StringComparer.Ordinal), entries.Select(e => e.GetProperty("digest").GetString()).Order(StringComparer.Ordinal));
            Assert.All(entries, e => Assert.Equal(members.Single(m => m.Digest.ToString() == e.GetProperty("digest").GetString()).Size, e.GetProperty("size").GetInt64()));
        }

        repo.WriteProject("App/App.csproj", (skills.Repo("dev-tools"), "1.0.0"), (skills.Repo("team"), "2.0.0"));
        var restore = await repo.Cli("App").RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        var lockFile = ReadLock(repo);
        Assert.Equal(["dev-tools", "team"], lockFile.Collections.Select(c => c.Name));
        Assert.Equal(Digest.ComputeSha256(devTools), lockFile.FindCollection("dev-tools")!.Source.Digest);
        Assert.Equal(Digest.ComputeSha256(team), lockFile.FindCollection("team")!.Source.Digest);
        foreach (var (name, manifest, collection) in new[] { ("pdf", pdf, "dev-tools"), ("lint", lint, "dev-tools"), ("review", review, "team"), ("grilling", grilling, "team") })
        {
            Assert.True(File.Exists(repo.SkillFile(name)), name);
            Assert.Equal(manifest.Digest, lockFile.Find(name)!.RegistrySource.Digest);
            Assert.Equal(collection, lockFile.Find(name)!.Collection);
        }

        // why reads the lock: one path through the collection; an unknown name lists the known ones.
        var why = await tool.CreateCli(repo.Workspace, "App").RunAsync("why", "lint");
        Assert.True(why.Succeeded, why.ToString());
        Assert.Equal("App/App.csproj > collection dev-tools 1.0.0 > lint 1.4.0", why.Output.Trim());
        var unknown = await tool.CreateCli(repo.Workspace, "App").RunAsync("why", "lnt");
        Assert.False(unknown.Succeeded);
        Assert.Contains($"error {ErrorCodes.WhyUnknownSkill}", unknown.AllOutput, StringComparison.Ordinal);
        Assert.Contains("It knows: dev-tools, grilling, lint, pdf, review, team.", unknown.AllOutput, StringComparison.Ordinal);

        // sync (what the agent hooks run) materializes the members from the lock alone.
        Directory.Delete(repo.File(".agents/skills"), recursive: true);
        var sync = await tool.CreateCli(repo.Workspace).RunAsync("sync");
        Assert.True(sync.Succeeded, sync.ToString());
        Assert.All(["pdf", "lint", "review", "grilling"], name => Assert.True(File.Exists(repo.SkillFile(name)), name));
    }

    [Fact]
    public async Task Collections_in_the_go_cli_arconia_and_skillimage_dialects_pushed_raw_restore()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "e2e-dialects");
        var pdf = await skills.PublishSkillAsync("pdf", "1.0.0");
        var lint = await skills.PublishSkillAsync("lint", "1.0.0");
        var review = await skills.PublishSkillAsync("review", "2.0.0");
        var notes = await skills.PublishSkillAsync("notes", "3.0.0");
        await RawCollections.PushIndexAsync(skills, "go-tools", "1.0.0",
            CollectionIndexes.GoCliWithReferences("go-tools", [("pdf", pdf, skills.Repo("pdf") + ":1.0.0")]), ("pdf", pdf));
        await RawCollections.PushIndexAsync(skills, "arconia-tools", "1.0.0",
            CollectionIndexes.ArconiaWithReferences("arconia-tools", [("lint", lint, skills.Repo("lint") + ":1.0.0")]), ("lint", lint));
        await RawCollections.PushSkillImageAsync(skills, "skillimage-tools", "1.0.0", CollectionIndexes.SkillImageYaml("skillimage-tools", "1.0.0",
            ("review", $"{skills.Repo("review")}:2.0.0@{review.Digest}"), ("notes", $"{skills.Repo("notes")}:3.0.0")));
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (skills.Repo("go-tools"), "1.0.0"), (skills.Repo("arconia-tools"), "1.0.0"), (skills.Repo("skillimage-tools"), "1.0.0"));

        var restore = await repo.Cli("App").RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        // arconia's size 0: a warning, and the member verified by its digest alone.
        Assert.Equal([ErrorCodes.CollectionEntrySizeUnknown], restore.WarningCodes());
        var lockFile = ReadLock(repo);
        Assert.Equal(["arconia-tools", "go-tools", "skillimage-tools"], lockFile.Collections.Select(c => c.Name));
        foreach (var (name, manifest, tag) in new[] { ("pdf", pdf, "1.0.0"), ("lint", lint, "1.0.0"), ("review", review, "2.0.0"), ("notes", notes, "3.0.0") })
        {
            Assert.True(File.Exists(repo.SkillFile(name)), name);
            // Each member lives in its own repository (the ref), not in the collection's, where distribution needed the copy.
            Assert.Equal(new RegistryLockSource(fixture.Registry.HostPort, $"e2e-dialects/{name}", tag, manifest.Digest), lockFile.Find(name)!.Source);
        }
    }

    [Fact]
    public async Task Nested_collections_install_and_lock_every_index_a_subset_installs_part_an_unknown_name_lists_the_members_and_a_cycle_fails()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "e2e-nested");
        var pdf = await skills.PublishSkillAsync("pdf", "1.0.0");
        var lint = await skills.PublishSkillAsync("lint", "1.0.0");
        var inner = await RawCollections.PushIndexAsync(skills, "nest", "inner-1.0.0",
            CollectionIndexes.OursWithReferences("inner", [("pdf", pdf, skills.Repo("pdf") + ":1.0.0"), ("lint", lint, skills.Repo("lint") + ":1.0.0")]), ("pdf", pdf), ("lint", lint));
        var middle = await RawCollections.PushIndexAsync(skills, "nest", "middle-1.0.0",
            CollectionIndexes.OursWithReferences("middle", [("inner", inner, skills.Repo("nest") + ":inner-1.0.0")]), ("nest", inner));
        // Three levels, the most there may be.
        var outer = await RawCollections.PushIndexAsync(skills, "nest", "1.0.0",
            CollectionIndexes.OursWithReferences("outer", [("middle", middle, skills.Repo("nest") + ":middle-1.0.0")]), ("nest", middle));
        // Digests cannot loop; a skillimage entry by tag can.
        await RawCollections.PushSkillImageAsync(skills, "loop", "1.0.0", CollectionIndexes.SkillImageYaml("loop", "1.0.0", ("loop", skills.Repo("loop") + ":1.0.0")));
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", [], Items(Reference(skills.Repo("nest"), "1.0.0", skills: "pdf")));

        var subset = await repo.Cli("App").RunAsync("restore");

        Assert.True(subset.Succeeded, subset.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.False(Directory.Exists(repo.File(".agents/skills/lint")));
        var collection = Assert.Single(ReadLock(repo).Collections);
        Assert.Equal(("outer", outer.Digest), (collection.Name, collection.Source.Digest));
        Assert.Equal(["pdf"], collection.Members);
        Assert.Equal(
            [new NestedCollectionLockEntry("inner", new RegistryLockSource(fixture.Registry.HostPort, "e2e-nested/nest", "inner-1.0.0", inner.Digest)),
             new NestedCollectionLockEntry("middle", new RegistryLockSource(fixture.Registry.HostPort, "e2e-nested/nest", "middle-1.0.0", middle.Digest))],
            collection.Nested);

        repo.WriteProject("App/App.csproj", [], Items(Reference(skills.Repo("nest"), "1.0.0", skills: "pdf;nope")));
        var unknown = await repo.Cli("App").RunAsync("restore");

        Assert.False(unknown.Succeeded);
        Assert.Equal([ErrorCodes.UnknownCollectionMember], unknown.ErrorCodes());
        Assert.Contains("Its members are: lint, pdf.", unknown.Output, StringComparison.Ordinal);

        repo.WriteProject("App/App.csproj", (skills.Repo("loop"), "1.0.0"));
        var cycle = await repo.Cli("App").RunAsync("restore");

        Assert.False(cycle.Succeeded);
        Assert.Equal([ErrorCodes.CollectionCycle], cycle.ErrorCodes());
    }

    [Fact]
    public async Task A_locked_restore_after_a_members_tag_moved_installs_the_pinned_digest_without_tag_lookups()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "e2e-locked");
        var pinned = await skills.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "pinned\n"));
        await RawCollections.PushIndexAsync(skills, "dev-tools", "1.0.0", CollectionIndexes.OursWithReferences("dev-tools", [("pdf", pinned, skills.Repo("pdf") + ":1.0.0")]), ("pdf", pinned));
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (skills.Repo("dev-tools"), "1.0.0"));
        var first = await repo.Cli("App").RunAsync("restore");
        Assert.True(first.Succeeded, first.ToString());
        var moved = await skills.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "moved\n"));
        Assert.NotEqual(pinned.Digest, moved.Digest);
        Directory.Delete(repo.File(".agents/skills/pdf"), recursive: true);
        Directory.Delete(repo.CachePath, recursive: true);
        var before = (await skills.RequestsAsync()).Count;

        var locked = await repo.Cli("App").RunAsync("restore", "-p:RestoreLockedMode=true");

        Assert.True(locked.Succeeded, locked.ToString());
        Assert.Equal("pinned\n", File.ReadAllText(repo.SkillFile("pdf", "notes.md")));
        Assert.Equal(pinned.Digest, ReadLock(repo).Find("pdf")!.RegistrySource.Digest);
        var requests = (await skills.RequestsAsync()).Skip(before).ToList();
        Assert.DoesNotContain(requests, r => r.Path.EndsWith("/tags/list", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => r.Path.Contains("/manifests/", StringComparison.Ordinal) && !r.Path.Contains("/manifests/sha256:", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Method == "GET" && r.Path.EndsWith($"/e2e-locked/pdf/manifests/{pinned.Digest}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_skill_name_from_two_collections_or_from_a_member_and_a_direct_reference_collides_naming_both()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "e2e-collide");
        var pdf = await skills.PublishSkillAsync("pdf", "1.0.0");
        await RawCollections.PushIndexAsync(skills, "one", "1.0.0", CollectionIndexes.OursWithReferences("one", [("pdf", pdf, skills.Repo("pdf") + ":1.0.0")]), ("pdf", pdf));
        await RawCollections.PushIndexAsync(skills, "two", "1.0.0", CollectionIndexes.OursWithReferences("two", [("pdf", pdf, skills.Repo("pdf") + ":1.0.0")]), ("pdf", pdf));
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (skills.Repo("one"), "1.0.0"), (skills.Repo("two"), "1.0.0"));

        var members = await repo.Cli("App").RunAsync("restore");

        Assert.False(members.Succeeded);
        Assert.Equal([ErrorCodes.CollectionNameCollision], members.ErrorCodes());
        Assert.Contains("the collection 'one'", members.Output, StringComparison.Ordinal);
        Assert.Contains("the collection 'two'", members.Output, StringComparison.Ordinal);

        repo.WriteProject("App/App.csproj", (skills.Repo("one"), "1.0.0"), (skills.Repo("pdf"), "1.0.0"));
        var direct = await repo.Cli("App").RunAsync("restore");

        Assert.False(direct.Succeeded);
        Assert.Equal([ErrorCodes.CollectionNameCollision], direct.ErrorCodes());
        Assert.Contains("the collection 'one'", direct.Output, StringComparison.Ordinal);
        Assert.Contains($"the SkillReference {skills.Repo("pdf")}", direct.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(repo.LockPath));
    }

    [Fact]
    public async Task Trust_policies_apply_to_each_member_by_its_repository_and_one_matching_the_collection_requires_a_signed_index()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "e2e-trust");
        var pdf = await skills.PublishSkillAsync("pdf", "1.0.0");
        var lint = await skills.PublishSkillAsync("lint", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await TrustTests.SignAsync(fixture.Registry, skills, "pdf", "1.0.0", key);
        var index = await RawCollections.PushIndexAsync(skills, "dev-tools", "1.0.0",
            CollectionIndexes.OursWithReferences("dev-tools", [("pdf", pdf, skills.Repo("pdf") + ":1.0.0"), ("lint", lint, skills.Repo("lint") + ":1.0.0")]), ("pdf", pdf), ("lint", lint));

        async Task<DotnetResult> RestoreWithPolicyAsync(string include)
        {
            using var repo = await ConsumerWorkspace.CreateAsync();
            TrustTests.WriteKey(repo, "eng/keys/skills.pub", key);
            repo.WriteProject("App/App.csproj", [(skills.Repo("dev-tools"), "1.0.0")], TrustTests.KeyPolicy(include, "../eng/keys/skills.pub"));
            var restore = await repo.Cli("App").RunAsync("restore");
            if (restore.Succeeded)
            {
                // Only what a policy covers is verified, each member by its own repository.
                var lockFile = ReadLock(repo);
                Assert.Equal(include == skills.Repo("pdf") ? $"key:{key.PublicKey.Fingerprint}" : null, lockFile.Find("pdf")!.VerifiedBy);
                Assert.Null(lockFile.Find("lint")!.VerifiedBy);
            }

            return restore;
        }

        // The member's own repository: pdf is verified, lint (no policy) is not asked to be.
        var member = await RestoreWithPolicyAsync(skills.Repo("pdf"));
        Assert.True(member.Succeeded, member.ToString());

        // A policy on lint's repository: lint is unsigned, so the restore fails naming it.
        var unsignedMember = await RestoreWithPolicyAsync($"{fixture.Registry.HostPort}/e2e-trust/lint");
        Assert.False(unsignedMember.Succeeded);
        Assert.Contains("lint", string.Join("\n", unsignedMember.Output.Split('\n').Where(l => l.Contains(" error SKOCI", StringComparison.Ordinal))), StringComparison.Ordinal);

        // A policy matching the collection wants a signature on the index itself.
        var unsignedIndex = await RestoreWithPolicyAsync(skills.Repo("dev-tools"));
        Assert.False(unsignedIndex.Succeeded);
        Assert.Equal([ErrorCodes.CollectionNotSigned], unsignedIndex.ErrorCodes());

        using (var client = TestClients.Isolated())
        {
            await new SkillSigner(key).SignAsync(client, ImageReference.Parse(skills.Repo("dev-tools")), index, "dev-tools");
        }

        var signedIndex = await RestoreWithPolicyAsync(skills.Repo("dev-tools"));
        Assert.True(signedIndex.Succeeded, signedIndex.ToString());
    }
}
