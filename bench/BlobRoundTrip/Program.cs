// Measures pushing and pulling one large blob through Skills.Oci's registry client against a local
// docker-registry, and the same transfer through skopeo on the same registry, and reports ratios
// (ours / skopeo). Ratios, not absolute times, are what stay comparable on a shared, noisy machine.
using System.Diagnostics;
using System.Text.Json;
using Skills.Oci.Bench;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

var sizeMiB = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50;
var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
var work = Directory.CreateTempSubdirectory("skoci-bench-").FullName;
var commands = new Commands(new Dictionary<string, string>());
var started = new List<LocalRegistry>();
try
{
    // Each tool gets its own registry and fresh content every round, so neither can skip an upload
    // because the blob is already there (skopeo remembers blob locations across runs).
    started.Add(await LocalRegistry.StartAsync(Path.Combine(work, "ours"), commands, CancellationToken.None));
    started.Add(await LocalRegistry.StartAsync(Path.Combine(work, "skopeo"), commands, CancellationToken.None));
    var (ourPort, skopeoPort) = (started[0].Port, started[1].Port);
    using var client = new RegistryClient();
    var ours = new List<(double Push, double Pull)>();
    var theirs = new List<(double Push, double Pull)>();
    for (var round = 0; round < rounds; round++)
    {
        var blob = Path.Combine(work, $"blob{round}.bin");
        await using (var file = File.Create(blob))
        {
            var chunk = new byte[1024 * 1024];
            for (var i = 0; i < sizeMiB; i++)
            {
                Random.Shared.NextBytes(chunk);
                await file.WriteAsync(chunk);
            }
        }

        Digest digest;
        await using (var file = File.OpenRead(blob))
        {
            digest = await Digest.ComputeSha256Async(file, CancellationToken.None);
        }

        var layer = new Descriptor { MediaType = MediaTypes.SkillContentLayer, Digest = digest, Size = new FileInfo(blob).Length };
        var layout = await WriteLayoutAsync(Path.Combine(work, $"layout{round}"), blob, layer);
        var repository = ImageReference.Parse($"127.0.0.1:{ourPort}/bench/ours{round}");
        var push = Stopwatch.StartNew();
        await client.PushBlobAsync(repository, layer, _ => Task.FromResult<Stream>(File.OpenRead(blob)));
        push.Stop();
        var pull = Stopwatch.StartNew();
        // Written to disk, as skopeo's pull is.
        await using (var stream = await client.FetchBlobAsync(repository, layer, long.MaxValue))
        await using (var copy = File.Create(Path.Combine(work, $"ours-pulled{round}.bin")))
        {
            await stream.CopyToAsync(copy);
        }

        pull.Stop();
        ours.Add((push.Elapsed.TotalSeconds, pull.Elapsed.TotalSeconds));

        // skopeo moves the whole artifact (a config of a few bytes, the layer, the manifest).
        var target = $"docker://127.0.0.1:{skopeoPort}/bench/skopeo{round}:1";
        var skopeoPush = Stopwatch.StartNew();
        await commands.RunAsync("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:1", target], null, CancellationToken.None);
        skopeoPush.Stop();
        var pulled = Path.Combine(work, $"pulled{round}");
        var skopeoPull = Stopwatch.StartNew();
        await commands.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", target, $"oci:{pulled}:1"], null, CancellationToken.None);
        skopeoPull.Stop();
        theirs.Add((skopeoPush.Elapsed.TotalSeconds, skopeoPull.Elapsed.TotalSeconds));
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }

    var (ourPush, ourPull) = (Median(ours.Select(o => o.Push)), Median(ours.Select(o => o.Pull)));
    var (skPush, skPull) = (Median(theirs.Select(o => o.Push)), Median(theirs.Select(o => o.Pull)));
    Console.WriteLine($"blob {sizeMiB} MiB, {rounds} rounds, medians");
    Console.WriteLine($"push: Skills.Oci {ourPush:0.00} s, skopeo {skPush:0.00} s, ratio {ourPush / skPush:0.00}");
    Console.WriteLine($"pull: Skills.Oci {ourPull:0.00} s, skopeo {skPull:0.00} s, ratio {ourPull / skPull:0.00}");
    Console.WriteLine($"round trip: Skills.Oci {ourPush + ourPull:0.00} s, ratio {(ourPush + ourPull) / (skPush + skPull):0.00}");
}
finally
{
    foreach (var registry in started)
    {
        await registry.DisposeAsync();
    }

    Directory.Delete(work, recursive: true);
}

static async Task<string> WriteLayoutAsync(string work, string blob, Descriptor layer)
{
    var layout = new OciImageLayout(work);
    await layout.EnsureCreatedAsync(CancellationToken.None);
    await using (var source = File.OpenRead(blob))
    {
        await layout.WriteBlobAsync(layer, source, CancellationToken.None);
    }

    var config = await layout.WriteBlobAsync(MediaTypes.SkillConfig, """{"schemaVersion":"1","name":"bench"}"""u8.ToArray(), CancellationToken.None);
    var manifestBytes = OciJsonWriter.WriteManifest(config, [layer], MediaTypes.SkillArtifact);
    var manifest = await layout.WriteBlobAsync(MediaTypes.OciManifest, manifestBytes, CancellationToken.None);
    await layout.AddToIndexAsync(manifest, "1", CancellationToken.None);
    return layout.Root;
}
