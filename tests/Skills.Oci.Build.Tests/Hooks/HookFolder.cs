using System.Text;
using System.Text.Json.Nodes;
using Skills.Oci.Build.Hooks;

namespace Skills.Oci.Build.Tests.Hooks;

/// <summary>A skills root in a temp folder, with helpers to run the registrar in it and read what it wrote.</summary>
internal sealed class HookFolder : IDisposable
{
    public const string ToolVersion = "1.2.3";

    private readonly TempFolder _folder = new("hooks");

    public string Root => _folder.Path;

    public string File(string relative) => _folder.Combine(relative);

    public string Write(string relative, string content) => _folder.Write(relative, content);

    public string Read(string relative) => System.IO.File.ReadAllText(File(relative), Encoding.UTF8);

    public byte[] Bytes(string relative) => System.IO.File.ReadAllBytes(File(relative));

    public JsonObject Json(string relative) => (JsonObject)JsonNode.Parse(Read(relative))!;

    public bool Exists(string relative) => System.IO.File.Exists(File(relative));

    public IReadOnlyDictionary<string, string> Snapshot() => FolderSnapshot.Take(Root);

    public Task<HookRegistrationResult> RegisterAsync(params string[] agents) =>
        HookRegistrar.RunAsync(new HookRegistrationRequest { SkillsRoot = Root, Agents = agents, ToolVersion = ToolVersion }, CancellationToken.None);

    public Task<HookRegistrationResult> RemoveAsync(params string[] agents) =>
        HookRegistrar.RunAsync(new HookRegistrationRequest { SkillsRoot = Root, Agents = agents, Remove = true }, CancellationToken.None);

    public void Dispose() => _folder.Dispose();
}
