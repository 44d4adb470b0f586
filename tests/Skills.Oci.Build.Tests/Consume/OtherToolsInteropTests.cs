using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// We read what we did not write: an artifact whose archive, config, manifest and image layout are
/// made by Python (tarfile with PAX headers, hashlib, json) and copied into the registry by skopeo,
/// restored by the real <c>dotnet restore</c>.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class OtherToolsInteropTests(RegistryFixture fixture)
{
    private const string LayoutScript = """
        import hashlib, io, json, os, sys, tarfile
        layout = sys.argv[1]
        blobs = os.path.join(layout, "blobs", "sha256")
        os.makedirs(blobs)
        def put(data):
            digest = hashlib.sha256(data).hexdigest()
            with open(os.path.join(blobs, digest), "wb") as f:
                f.write(data)
            return {"digest": "sha256:" + digest, "size": len(data)}
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as t:
            def add(name, data, mode=0o644):
                info = tarfile.TarInfo(name); info.size = len(data); info.mode = mode
                info.pax_headers = {"comment": "written by python"}
                t.addfile(info, io.BytesIO(data))
            add("py-skill/SKILL.md", b"---\nname: py-skill\ndescription: Made without Skills.Oci.\n---\n# Python\n")
            add("py-skill/scripts/run.sh", b"#!/bin/sh\necho python\n", 0o755)
        layer = put(buffer.getvalue())
        config = put(json.dumps({"schemaVersion": "1", "name": "py-skill", "version": "1.0.0", "extra": {"any": ["json"]}}).encode())
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": "application/vnd.agentskills.skill.v1",
            "config": dict(mediaType="application/vnd.agentskills.skill.config.v1+json", **config),
            "layers": [dict(mediaType="application/vnd.agentskills.skill.content.v1.tar+gzip", **layer)],
            "annotations": {"io.agentskills.skill.name": "py-skill"},
        }, indent=1).encode()
        descriptor = dict(mediaType="application/vnd.oci.image.manifest.v1+json", **put(manifest))
        descriptor["annotations"] = {"org.opencontainers.image.ref.name": "1.0.0"}
        with open(os.path.join(layout, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [descriptor]}, f)
        with open(os.path.join(layout, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion": "1.0.0"}')
        print(descriptor["digest"])
        """;

    [Fact]
    public async Task An_artifact_built_by_python_and_copied_by_skopeo_is_restored()
    {
        using var temp = new TempFolder("py-layout");
        var layout = Path.Combine(temp.Path, "layout");
        var python = await ProcessRunner.RunAsync("python3", ["-c", LayoutScript, layout]);
        Assert.True(python.ExitCode == 0, python.ToString());
        var digest = python.Output.Trim();
        var target = $"{fixture.Registry.HostPort}/interop/py-skill";
        var copy = await Skopeo.RunAsync(["copy", "--dest-tls-verify=false", $"oci:{layout}:1.0.0", $"docker://{target}:1.0.0"]);
        Assert.True(copy.ExitCode == 0, copy.ToString());

        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (target, "1.0.0"));
        var restore = await repo.Cli("App").RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        Assert.Equal("# Python\n", File.ReadAllText(repo.SkillFile("py-skill")).Split("---\n")[^1]);
        Assert.Equal("#!/bin/sh\necho python\n", File.ReadAllText(repo.SkillFile("py-skill", "scripts/run.sh")));
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.Equal(digest, entry.RegistrySource.Digest.ToString());
    }
}
