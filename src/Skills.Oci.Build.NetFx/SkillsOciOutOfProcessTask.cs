using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Skills.Oci.Build.Tasks.OutOfProcess;

namespace Skills.Oci.Build.NetFx;

/// <summary>
/// One Skills.Oci task run in a .NET process: writes the parameters to a request file, starts
/// <c>dotnet exec tasks/net8.0/skills-oci.dll msbuild-task REQUEST</c>, logs each event the child
/// reports with its code, help link, file and line, and returns the child's outputs. Cancelling the
/// build kills the child's process tree (ToolTask's own cancellation).
/// </summary>
public sealed class SkillsOciOutOfProcessTask : ToolTask, IGeneratedTask
{
    // What RegisterTaskObject calls in earlier children registered, for the rest of this build.
    private const string RegisteredKeysKey = "Skills.Oci.Build.NetFx.RegisteredKeys";

    // Built-in metadata the tasks may read; MSBuild computes them here, the child cannot.
    private static readonly string[] BuiltInMetadata =
    [
        "FullPath", "RootDir", "Filename", "Extension", "RelativeDir", "Directory", "RecursiveDir", "Identity",
        "DefiningProjectFullPath", "DefiningProjectDirectory", "DefiningProjectName", "DefiningProjectExtension",
    ];

    private readonly OutOfProcessTaskDescription _description;
    private readonly OutOfProcessHostSettings _settings;
    private readonly Dictionary<string, object?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, OutOfProcessTaskValue> _outputs = new(StringComparer.OrdinalIgnoreCase);
    private string? _dotnetHost;
    private string? _requestFile;
    private bool _reportedResult;

    internal SkillsOciOutOfProcessTask(OutOfProcessTaskDescription description, OutOfProcessHostSettings settings)
    {
        _description = description;
        _settings = settings;
        // The child's lines are events, not tool output to show as is.
        StandardOutputImportance = "Low";
        StandardErrorImportance = "Normal";
    }

    protected override string ToolName => Path.DirectorySeparatorChar == '\\' ? "dotnet.exe" : "dotnet";

    /// <summary>The child writes ASCII lines (OutOfProcessJson.ToLine), whatever the console code page.</summary>
    protected override Encoding StandardOutputEncoding => Encoding.UTF8;

    protected override Encoding StandardErrorEncoding => Encoding.UTF8;

    public void SetPropertyValue(TaskPropertyInfo property, object value) => _values[property.Name] = value;

    public object? GetPropertyValue(TaskPropertyInfo property)
    {
        if (property.Output && _outputs.TryGetValue(property.Name, out var output))
        {
            return FromValue(output);
        }

        return _values.TryGetValue(property.Name, out var value) ? value : null;
    }

    public override bool Execute()
    {
        _dotnetHost = _settings.FindDotnetHost();
        if (_dotnetHost is null)
        {
            // The one host left that cannot run the tasks: .NET Framework MSBuild without any .NET install.
            var restore = _description.TaskName.EndsWith("Skills", StringComparison.Ordinal);
            var code = restore ? "SKOCI3026" : "SKOCI2064";
            var what = restore ? "Skills are not restored" : "The skill is not validated, packed or pushed";
            Log.LogWarning(null, code, code, "https://github.com/skills-oci/skills-oci/blob/main/docs/errors/" + code + ".md", BuildEngine.ProjectFileOfTaskNode, 0, 0, 0, 0,
                "{0}: MSBuild on .NET Framework runs the Skills.Oci tasks with the .NET host, and no 'dotnet' was found (DOTNET_HOST_PATH, the .NET SDK's folder, PATH). Install the .NET SDK (8.0 or later). See https://github.com/skills-oci/skills-oci/blob/main/docs/errors/{1}.md",
                what, code);
            return true;
        }

        _requestFile = Path.Combine(Path.GetTempPath(), "skills-oci-task-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using (var stream = File.Create(_requestFile))
            {
                OutOfProcessJson.Write(stream, CreateRequest());
            }

            var success = base.Execute();
            return success && _reportedResult && !Log.HasLoggedErrors;
        }
        finally
        {
            File.Delete(_requestFile);
        }
    }

    protected override string GenerateFullPathToTool() => _dotnetHost!;

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendSwitch("exec");
        builder.AppendFileNameIfNotNull(_settings.EntryPoint);
        builder.AppendSwitch(OutOfProcessKinds.CommandName);
        builder.AppendFileNameIfNotNull(_requestFile);
        return builder.ToString();
    }

    // The command line is plumbing, not something a user ran: low importance, as in-process tasks log nothing.
    protected override void LogToolCommand(string message) => Log.LogCommandLine(MessageImportance.Low, message);

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        OutOfProcessTaskEvent? e = null;
        if (singleLine.StartsWith("{", StringComparison.Ordinal))
        {
            try
            {
                e = OutOfProcessJson.FromLine<OutOfProcessTaskEvent>(singleLine);
            }
            catch (System.Runtime.Serialization.SerializationException)
            {
            }
        }

        if (e is null)
        {
            Log.LogMessage(messageImportance, "{0}", singleLine);
            return;
        }

        switch (e.Kind)
        {
            case OutOfProcessKinds.Error:
                Log.LogError(e.Subcategory, e.Code, e.HelpKeyword, e.HelpLink, e.File, e.Line, e.Column, e.EndLine, e.EndColumn, "{0}", e.Message);
                break;
            case OutOfProcessKinds.Warning:
                Log.LogWarning(e.Subcategory, e.Code, e.HelpKeyword, e.HelpLink, e.File, e.Line, e.Column, e.EndLine, e.EndColumn, "{0}", e.Message);
                break;
            case OutOfProcessKinds.Register when e.Key is not null:
                lock (RegisteredKeys())
                {
                    RegisteredKeys().Add(e.Key);
                }

                break;
            case OutOfProcessKinds.Result:
                _reportedResult = true;
                foreach (var output in e.Outputs ?? new List<OutOfProcessTaskValue>())
                {
                    _outputs[output.Name] = output;
                }

                break;
            default:
                Log.LogMessage((MessageImportance)e.Importance, "{0}", e.Message);
                break;
        }
    }

    /// <summary>A child that failed without saying why (it crashed, or the runtime is missing): one coded error, not MSB6006 (ErrorCodes.OutOfProcessTaskFailed).</summary>
    protected override bool HandleTaskExecutionErrors()
    {
        if (!Log.HasLoggedErrors)
        {
            Log.LogError(null, "SKOCI6080", "SKOCI6080", "https://github.com/skills-oci/skills-oci/blob/main/docs/errors/SKOCI6080.md", BuildEngine.ProjectFileOfTaskNode, 0, 0, 0, 0,
                "The Skills.Oci task '{0}' failed in its .NET process ('{1}' exited with code {2}) without reporting an error. Its output is in the build log at detailed verbosity. See https://github.com/skills-oci/skills-oci/blob/main/docs/errors/SKOCI6080.md",
                _description.TaskName, _dotnetHost, ExitCode);
        }

        return false;
    }

    private OutOfProcessTaskRequest CreateRequest()
    {
        var request = new OutOfProcessTaskRequest
        {
            TaskName = _description.TaskName,
            ProjectFile = BuildEngine.ProjectFileOfTaskNode,
            Line = BuildEngine.LineNumberOfTaskNode,
            Column = BuildEngine.ColumnNumberOfTaskNode,
        };
        lock (RegisteredKeys())
        {
            request.RegisteredKeys.AddRange(RegisteredKeys());
        }

        foreach (var parameter in _description.Parameters.Where(p => _values.ContainsKey(p.Name)))
        {
            request.Parameters.Add(OutOfProcessValues.From(parameter.Name, parameter.Kind, _values[parameter.Name], BuiltInMetadata));
        }

        return request;
    }

    private HashSet<string> RegisteredKeys()
    {
        if (BuildEngine is not IBuildEngine4 engine)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        lock (typeof(SkillsOciOutOfProcessTask))
        {
            if (engine.GetRegisteredTaskObject(RegisteredKeysKey, RegisteredTaskObjectLifetime.Build) is not HashSet<string> keys)
            {
                keys = new HashSet<string>(StringComparer.Ordinal);
                engine.RegisterTaskObject(RegisteredKeysKey, keys, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            }

            return keys;
        }
    }

    private static object? FromValue(OutOfProcessTaskValue value) => value.Kind switch
    {
        OutOfProcessKinds.Bool => string.Equals(value.Value, "true", StringComparison.OrdinalIgnoreCase),
        OutOfProcessKinds.Strings => (value.Values ?? new List<string>()).ToArray(),
        OutOfProcessKinds.Item => value.Items is { Count: > 0 } items ? ToItem(items[0]) : null,
        OutOfProcessKinds.Items => (value.Items ?? new List<OutOfProcessTaskItemData>()).Select(ToItem).ToArray(),
        _ => value.Value,
    };

    private static ITaskItem ToItem(OutOfProcessTaskItemData data) => new TaskItem(data.ItemSpec, data.Metadata);
}
