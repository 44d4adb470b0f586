using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;

namespace Skills.Oci.Build.Tasks.OutOfProcess;

// The one definition of what travels between the net472 task (Skills.Oci.Build.NetFx, which links
// this file) and the tool's hidden 'msbuild-task' command: the request file, the JSON-lines event
// stream on the child's stdout, and the task descriptions the factory declares parameters from.
// DataContractJsonSerializer is in both the .NET Framework and the .NET BCL, so neither side needs a
// JSON package (a .NET Framework MSBuild would otherwise load whichever System.Text.Json it has).

/// <summary>What the parent asks for: one task, its parameters, and the node it runs for.</summary>
[DataContract]
internal sealed class OutOfProcessTaskRequest
{
    /// <summary>Full type name, e.g. <c>Skills.Oci.Build.Tasks.RestoreSkills</c>.</summary>
    [DataMember(Name = "task")]
    public string TaskName { get; set; } = string.Empty;

    [DataMember(Name = "projectFile")]
    public string? ProjectFile { get; set; }

    [DataMember(Name = "line")]
    public int Line { get; set; }

    [DataMember(Name = "column")]
    public int Column { get; set; }

    [DataMember(Name = "parameters")]
    public List<OutOfProcessTaskValue> Parameters { get; set; } = new();

    /// <summary>Keys earlier tasks of this build registered (RegisterTaskObject), so a restore done once is not done again.</summary>
    [DataMember(Name = "registered")]
    public List<string> RegisteredKeys { get; set; } = new();
}

/// <summary>One parameter or output: exactly one of Value, Values, Items is set, by <see cref="Kind"/>.</summary>
[DataContract]
internal sealed class OutOfProcessTaskValue
{
    [DataMember(Name = "name")]
    public string Name { get; set; } = string.Empty;

    [DataMember(Name = "kind")]
    public string Kind { get; set; } = OutOfProcessKinds.String;

    [DataMember(Name = "value", EmitDefaultValue = false)]
    public string? Value { get; set; }

    [DataMember(Name = "values", EmitDefaultValue = false)]
    public List<string>? Values { get; set; }

    [DataMember(Name = "items", EmitDefaultValue = false)]
    public List<OutOfProcessTaskItemData>? Items { get; set; }
}

/// <summary>An item: its spec, custom metadata, and the built-in metadata MSBuild computed for it (FullPath, DefiningProjectFullPath, ...).</summary>
[DataContract]
internal sealed class OutOfProcessTaskItemData
{
    [DataMember(Name = "spec")]
    public string ItemSpec { get; set; } = string.Empty;

    [DataMember(Name = "metadata")]
    public Dictionary<string, string> Metadata { get; set; } = new();

    [DataMember(Name = "builtIn", EmitDefaultValue = false)]
    public Dictionary<string, string>? BuiltInMetadata { get; set; }
}

/// <summary>One line of the child's stdout.</summary>
[DataContract]
internal sealed class OutOfProcessTaskEvent
{
    [DataMember(Name = "kind")]
    public string Kind { get; set; } = OutOfProcessKinds.Message;

    [DataMember(Name = "subcategory", EmitDefaultValue = false)]
    public string? Subcategory { get; set; }

    [DataMember(Name = "code", EmitDefaultValue = false)]
    public string? Code { get; set; }

    [DataMember(Name = "helpKeyword", EmitDefaultValue = false)]
    public string? HelpKeyword { get; set; }

    [DataMember(Name = "helpLink", EmitDefaultValue = false)]
    public string? HelpLink { get; set; }

    [DataMember(Name = "file", EmitDefaultValue = false)]
    public string? File { get; set; }

    [DataMember(Name = "line", EmitDefaultValue = false)]
    public int Line { get; set; }

    [DataMember(Name = "column", EmitDefaultValue = false)]
    public int Column { get; set; }

    [DataMember(Name = "endLine", EmitDefaultValue = false)]
    public int EndLine { get; set; }

    [DataMember(Name = "endColumn", EmitDefaultValue = false)]
    public int EndColumn { get; set; }

    [DataMember(Name = "message", EmitDefaultValue = false)]
    public string? Message { get; set; }

    /// <summary>MessageImportance as a number (High 0, Normal 1, Low 2).</summary>
    [DataMember(Name = "importance", EmitDefaultValue = false)]
    public int Importance { get; set; }

    /// <summary>For <c>register</c>: the key the task registered.</summary>
    [DataMember(Name = "key", EmitDefaultValue = false)]
    public string? Key { get; set; }

    /// <summary>For <c>result</c>: what Execute returned.</summary>
    [DataMember(Name = "success", EmitDefaultValue = false)]
    public bool Success { get; set; }

    /// <summary>For <c>result</c>: the task's [Output] properties.</summary>
    [DataMember(Name = "outputs", EmitDefaultValue = false)]
    public List<OutOfProcessTaskValue>? Outputs { get; set; }
}

/// <summary>A task and its parameters as MSBuild must declare them (written at pack time from the task classes).</summary>
[DataContract]
internal sealed class OutOfProcessTaskDescription
{
    [DataMember(Name = "task")]
    public string TaskName { get; set; } = string.Empty;

    [DataMember(Name = "parameters")]
    public List<OutOfProcessParameterDescription> Parameters { get; set; } = new();
}

[DataContract]
internal sealed class OutOfProcessParameterDescription
{
    [DataMember(Name = "name")]
    public string Name { get; set; } = string.Empty;

    [DataMember(Name = "kind")]
    public string Kind { get; set; } = OutOfProcessKinds.String;

    [DataMember(Name = "required", EmitDefaultValue = false)]
    public bool Required { get; set; }

    [DataMember(Name = "output", EmitDefaultValue = false)]
    public bool Output { get; set; }
}

/// <summary>The closed vocabularies of <c>kind</c>.</summary>
internal static class OutOfProcessKinds
{
    public const string String = "string";
    public const string Bool = "bool";
    public const string Strings = "string[]";
    public const string Item = "item";
    public const string Items = "item[]";

    public const string Error = "error";
    public const string Warning = "warning";
    public const string Message = "message";
    public const string Register = "register";
    public const string Result = "result";

    /// <summary>The hidden command of the tool that runs a task (skills-oci msbuild-task REQUEST).</summary>
    public const string CommandName = "msbuild-task";

    /// <summary>Written beside the net472 task assembly: every task's description.</summary>
    public const string DescriptionsFileName = "skills-oci-tasks.json";
}

/// <summary>Task values as they travel, the same way in both directions (parameters in, outputs out).</summary>
internal static class OutOfProcessValues
{
    /// <summary>A parameter or output value; items keep their custom metadata, and <paramref name="builtInMetadata"/> computed by MSBuild.</summary>
    public static OutOfProcessTaskValue From(string name, string kind, object? value, IReadOnlyList<string>? builtInMetadata = null)
    {
        var result = new OutOfProcessTaskValue { Name = name, Kind = kind };
        switch (value)
        {
            case null:
                break;
            case string[] texts:
                result.Values = texts.ToList();
                break;
            case ITaskItem item:
                result.Items = new List<OutOfProcessTaskItemData> { FromItem(item, builtInMetadata) };
                break;
            case ITaskItem[] items:
                result.Items = items.Select(i => FromItem(i, builtInMetadata)).ToList();
                break;
            case bool flag:
                result.Value = flag ? "true" : "false";
                break;
            default:
                result.Value = System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                break;
        }

        return result;
    }

    private static OutOfProcessTaskItemData FromItem(ITaskItem item, IReadOnlyList<string>? builtInMetadata)
    {
        var data = new OutOfProcessTaskItemData { ItemSpec = item.ItemSpec };
        foreach (DictionaryEntry entry in item.CloneCustomMetadata())
        {
            data.Metadata[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        if (builtInMetadata is not null)
        {
            data.BuiltInMetadata = builtInMetadata.ToDictionary(n => n, item.GetMetadata);
        }

        return data;
    }
}

/// <summary>Reads and writes the protocol's documents with one serializer configuration on both sides.</summary>
internal static class OutOfProcessJson
{
    private static readonly DataContractJsonSerializerSettings Settings = new() { UseSimpleDictionaryFormat = true };

    public static void Write<T>(Stream stream, T value) => new DataContractJsonSerializer(typeof(T), Settings).WriteObject(stream, value);

    public static T Read<T>(Stream stream) => (T)new DataContractJsonSerializer(typeof(T), Settings).ReadObject(stream)!;

    /// <summary>
    /// One document as one line of ASCII: the serializer escapes control characters, and anything past
    /// ASCII is escaped here (it can only occur inside strings), so no console code page can garble it.
    /// </summary>
    public static string ToLine<T>(T value)
    {
        using var buffer = new MemoryStream();
        Write(buffer, value);
        var json = Encoding.UTF8.GetString(buffer.ToArray());
        var line = new StringBuilder(json.Length);
        foreach (var c in json)
        {
            if (c < 0x7F)
            {
                line.Append(c);
            }
            else
            {
                line.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return line.ToString();
    }

    public static T FromLine<T>(string line)
    {
        using var buffer = new MemoryStream(Encoding.UTF8.GetBytes(line));
        return Read<T>(buffer);
    }
}
