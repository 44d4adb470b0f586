using System.Text.Json.Serialization;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Compile-time JSON metadata for the root state files the no-op paths read (projects.json, sync.json).
/// Reflection-based serialization builds its metadata with reflection emit on first use, which was
/// most of a no-op restore's one-time cost inside a fresh MSBuild process; the generated metadata
/// costs nothing to set up. Other types keep the reflection fallback of <see cref="RootState.JsonOptions"/>.
/// </summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, ProjectRecord>))]
[JsonSerializable(typeof(SortedDictionary<string, ProjectRecord>))]
[JsonSerializable(typeof(SyncRecord))]
internal sealed partial class RootStateJson : JsonSerializerContext;
