using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Infrastructure;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Tests.Restore;
using Xunit.Abstractions;

namespace Skills.Oci.Build.Tests.Reliability;

/// <summary>
/// Restore under stress, bounded in rounds and time: random registry faults, kills at random moments,
/// and projects of one root restoring in parallel while their references change. Each round ends either
/// correct or with a coded error and the previous state intact; the figures are written to the test log.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class RestoreReliabilityTests(RegistryFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Names = ["alpha", "beta", "gamma", "delta"];
    private static readonly string[] Versions = ["1.0.0", "[1.1.0]", "1.*"];
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await FaultProxy.StartAsync(fixture.Registry.BaseUri);

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    /// <summary>Publishes each skill at 1.0.0 and 1.1.0 with a file large enough that body faults hit mid-stream.</summary>
    private static async Task<RegistrySkillPublisher> PublishAsync(RegistryProcess registry, string prefix)
    {
        var publisher = new RegistrySkillPublisher(registry, prefix);
        var filler = string.Concat(Enumerable.Range(0, 6000).Select(i => $"line {i} of the reference text\n"));
        foreach (var name in Names)
        {
            foreach (var version in new[] { "1.0.0", "1.1.0" })
            {
                await publisher.PublishAsync(name, version, ("references/guide.md", $"{name} {version}\n{filler}"));
            }
        }

        return publisher;
    }

    [Fact]
    public async Task Restores_through_random_registry_faults_end_correct_or_with_a_coded_error_and_the_previous_state()
    {
        const int Rounds = 40;
        const int Seed = 20261201;
        var random = new Random(Seed);
        using var publisher = await PublishAsync(fixture.Registry, "reliability-faults");
        using var ws = new RestoreWorkspace();
        using var client = TestClients.Isolated(new RegistryClientOptions { Environment = _ => null, MaxAttempts = 3 });
        var engine = new SkillRestoreEngine(new RegistrySkillSource(client));
        var project = ws.Project();
        var (succeeded, failed, faults) = (0, 0, 0);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        for (var round = 0; round < Rounds && DateTime.UtcNow < deadline; round++)
        {
            var references = Names.Where(_ => random.Next(3) > 0)
                .Select(n => new SkillReferenceItem($"{_proxy.HostPort}/{publisher.Prefix}/{n}", Versions[random.Next(Versions.Length)]))
                .ToList();
            if (random.Next(3) == 0 && Directory.Exists(ws.CachePath))
            {
                Directory.Delete(ws.CachePath, recursive: true);
            }

            var fault = AddRandomFault(random);
            faults += fault is null ? 0 : 1;
            var before = ws.Snapshot();

            var result = await engine.RestoreAsync(
                new SkillRestoreRequest { SkillsRoot = ws.Root, ProjectPath = project, References = references },
                ws.Options(), CancellationToken.None);
            _proxy.ClearFaults();

            Assert.DoesNotContain(result.Diagnostics, d => d.Code == ErrorCodes.InternalError);
            if (result.Succeeded)
            {
                succeeded++;
                AssertConsistent(ws.Root, references.Count);
            }
            else
            {
                failed++;
                Assert.All(result.Diagnostics, d => Assert.Matches("^SKOCI[1-4][0-9]{3}$", d.Code));
                Assert.True(before.SequenceEqual(ws.Snapshot()), $"round {round} ({fault}) failed with {string.Join(", ", result.Diagnostics)} and changed the root");
            }
        }

        output.WriteLine($"fault rounds: seed {Seed}, {succeeded + failed} rounds, {faults} with an injected fault, {succeeded} ended correct, {failed} with a coded error and the previous state");
        Assert.True(succeeded > 0 && failed > 0, $"{succeeded} succeeded, {failed} failed: the faults should make some rounds fail and others pass");
    }

    private FaultRule? AddRandomFault(Random random)
    {
        var path = random.Next(2) == 0 ? "/blobs/sha256:" : "/manifests/";
        var times = random.Next(1, 5);
        return random.Next(8) switch
        {
            0 => null,
            1 => _proxy.DropConnection("GET", path, times),
            2 => _proxy.RespondWithStatus("GET", path, 503, times),
            3 => _proxy.RespondWithStatus("GET", path, 429, times, TimeSpan.Zero),
            4 => _proxy.CutResponseBody("GET", "/blobs/sha256:", times),
            5 => _proxy.TruncateResponseBody("GET", "/blobs/sha256:", times),
            6 => _proxy.CorruptResponseBody("GET", path, times),
            _ => _proxy.RespondWithStatus("GET", "/tags/list", 502, times),
        };
    }

    [Fact]
    public async Task A_restore_killed_at_a_random_moment_is_followed_by_a_clean_restore_that_leaves_no_trace()
    {
        const int Rounds = 6;
        var random = new Random(4242);
        using var publisher = await PublishAsync(fixture.Registry, "reliability-kills");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var references = Names.Select(n => (publisher.Repo(n), (string?)"1.*")).ToArray();
        repo.WriteProject("App/App.csproj", references);
        var cli = repo.Cli("App");
        var killed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var folder in new[] { repo.File(".agents/skills"), repo.CachePath })
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }

            var delay = random.Next(300, 2400);
            using var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            var started = DateTime.UtcNow;
            try
            {
                var finished = await cli.RunAsync(["restore"], kill.Token);
                output.WriteLine($"round {round}: finished in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms before the kill at {delay} ms (exit {finished.ExitCode})");
            }
            catch (OperationCanceledException)
            {
                killed++;
                output.WriteLine($"round {round}: killed at {delay} ms");
            }

            var clean = await cli.RunAsync("restore");

            Assert.True(clean.Succeeded, $"round {round}: {clean}");
            AssertConsistent(repo.Root, Names.Length);
            var leftovers = Directory.EnumerateFileSystemEntries(repo.File(".agents/skills")).Where(p => Path.GetFileName(p).StartsWith('.'))
                .Concat(Directory.Exists(repo.File(".agents/.skills-oci/staging")) ? Directory.EnumerateFileSystemEntries(repo.File(".agents/.skills-oci/staging")) : [])
                .ToList();
            Assert.Empty(leftovers);
        }

        output.WriteLine($"kill rounds: {Rounds} rounds, {killed} restores killed mid-way, each followed by a clean restore");
        Assert.True(killed > 0, "no restore was killed: the kill delays were all too long");
    }

    [Fact]
    public async Task Projects_of_one_root_restoring_in_parallel_while_their_references_change_keep_the_lock_the_exact_union()
    {
        const int Rounds = 8;
        var random = new Random(777);
        using var publisher = await PublishAsync(fixture.Registry, "reliability-parallel");
        using var ws = new RestoreWorkspace();
        using var client = TestClients.Isolated();
        var engine = new SkillRestoreEngine(new RegistrySkillSource(client));
        var projects = Enumerable.Range(0, 4).Select(i => $"src/P{i}/P{i}.csproj").ToArray();
        for (var round = 0; round < Rounds; round++)
        {
            var asks = projects.ToDictionary(p => p, _ => Names.Where(_ => random.Next(2) == 0).ToList());
            var results = await Task.WhenAll(projects.Select(project => Task.Run(() => engine.RestoreAsync(
                new SkillRestoreRequest
                {
                    SkillsRoot = ws.Root,
                    ProjectPath = ws.Project(project),
                    References = asks[project].Select(n => new SkillReferenceItem(publisher.Repo(n), "1.0.0")).ToList(),
                },
                ws.Options(), CancellationToken.None))));

            Assert.All(results, r => Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics)));
            var lockFile = LockFile.Parse(File.ReadAllBytes(Path.Combine(ws.Root, LockFile.FileName)), "lock");
            var expected = asks.SelectMany(a => a.Value.Select(n => (Name: n, Project: a.Key))).ToList();
            Assert.Equal(expected.Select(e => e.Name).Distinct().Order(StringComparer.Ordinal), lockFile.Skills.Select(s => s.Name));
            foreach (var entry in lockFile.Skills)
            {
                Assert.Equal(expected.Where(e => e.Name == entry.Name).Select(e => e.Project).Order(StringComparer.Ordinal), entry.Projects);
            }

            AssertConsistent(ws.Root, lockFile.Skills.Count);
        }

        output.WriteLine($"parallel rounds: {Rounds} rounds of {projects.Length} projects restoring at once");
    }

    /// <summary>The lock names exactly <paramref name="skills"/> skills, each installed as recorded, nothing staged or journaled.</summary>
    private static void AssertConsistent(string root, int skills)
    {
        var lockPath = Path.Combine(root, LockFile.FileName);
        var lockFile = skills == 0 && !File.Exists(lockPath) ? LockFile.Empty : LockFile.Parse(File.ReadAllBytes(lockPath), lockPath);
        Assert.Equal(skills, lockFile.Skills.Count);
        foreach (var entry in lockFile.Skills)
        {
            var folder = Path.Combine(root, entry.Path);
            Assert.True(File.Exists(Path.Combine(folder, "SKILL.md")), $"{entry.Name} is locked but not installed");
            Assert.Equal(entry.ContentDigest, SkillTree.FromFolderAsync(folder, CancellationToken.None).GetAwaiter().GetResult().Digest);
            Assert.All(entry.AdditionalPaths, p => Assert.True(Directory.Exists(Path.Combine(root, p)), $"{p} is missing"));
        }

        Assert.False(File.Exists(Path.Combine(root, RootState.FolderName, "transaction.json")));
    }
}
