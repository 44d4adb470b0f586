using System.Collections;
using Microsoft.Build.Framework;

namespace Skills.Oci.Build.Tasks.OutOfProcess;

/// <summary>
/// An item as the parent MSBuild saw it. Utilities' TaskItem refuses built-in metadata such as
/// DefiningProjectFullPath, which the tasks read to point a diagnostic at the line declaring the item,
/// so the values MSBuild computed in the parent are kept and answered here.
/// </summary>
internal sealed class RemoteTaskItem : ITaskItem
{
    private readonly Dictionary<string, string> _metadata;
    private readonly IReadOnlyDictionary<string, string> _builtIn;

    public RemoteTaskItem(OutOfProcessTaskItemData data)
    {
        ItemSpec = data.ItemSpec;
        _metadata = new Dictionary<string, string>(data.Metadata ?? [], StringComparer.OrdinalIgnoreCase);
        _builtIn = new Dictionary<string, string>(data.BuiltInMetadata ?? [], StringComparer.OrdinalIgnoreCase);
    }

    public string ItemSpec { get; set; }

    public ICollection MetadataNames => _metadata.Keys.Concat(_builtIn.Keys).ToList();

    public int MetadataCount => _metadata.Count + _builtIn.Count;

    public string GetMetadata(string metadataName) =>
        _metadata.TryGetValue(metadataName, out var value) || _builtIn.TryGetValue(metadataName, out value) ? value : string.Empty;

    public void SetMetadata(string metadataName, string metadataValue) => _metadata[metadataName] = metadataValue;

    public void RemoveMetadata(string metadataName) => _metadata.Remove(metadataName);

    public void CopyMetadataTo(ITaskItem destinationItem)
    {
        foreach (var (name, value) in _metadata)
        {
            destinationItem.SetMetadata(name, value);
        }
    }

    public IDictionary CloneCustomMetadata() => new Dictionary<string, string>(_metadata, StringComparer.OrdinalIgnoreCase);
}
