using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Skills.Oci.Build.Tasks.OutOfProcess;

namespace Skills.Oci.Build.NetFx;

/// <summary>
/// Declares a Skills.Oci task under its own name (Skills.Oci.Build.Tasks.RestoreSkills, ...) with the
/// parameters the net8.0 class has, read from the description file the package build wrote from those
/// classes: the targets' call sites stay the same for every host. The UsingTask's body (evaluated)
/// carries the host settings, one <c>Name=value</c> per line.
/// </summary>
public sealed class SkillsOciOutOfProcessTaskFactory : ITaskFactory
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, List<OutOfProcessTaskDescription>> DescriptionsByFile = new(StringComparer.OrdinalIgnoreCase);

    private OutOfProcessTaskDescription? _description;
    private OutOfProcessHostSettings? _settings;

    public string FactoryName => nameof(SkillsOciOutOfProcessTaskFactory);

    public Type TaskType => typeof(SkillsOciOutOfProcessTask);

    public bool Initialize(string taskName, IDictionary<string, TaskPropertyInfo> parameterGroup, string taskBody, IBuildEngine taskFactoryLoggingHost)
    {
        var file = Path.Combine(Path.GetDirectoryName(typeof(SkillsOciOutOfProcessTaskFactory).Assembly.Location)!, OutOfProcessKinds.DescriptionsFileName);
        _description = Descriptions(file).FirstOrDefault(d => string.Equals(d.TaskName, taskName, StringComparison.Ordinal));
        if (_description is null)
        {
            taskFactoryLoggingHost.LogErrorEvent(new BuildErrorEventArgs(null, "SKOCI0001", taskFactoryLoggingHost.ProjectFileOfTaskNode, 0, 0, 0, 0,
                $"'{taskName}' is not described in '{file}': the Skills.Oci package is incomplete. Reinstall it.", "SKOCI0001", FactoryName));
            return false;
        }

        _settings = OutOfProcessHostSettings.Parse(taskBody);
        return true;
    }

    public TaskPropertyInfo[] GetTaskParameters() =>
        _description!.Parameters.Select(p => new TaskPropertyInfo(p.Name, TypeOf(p.Kind), p.Output, p.Required)).ToArray();

    public ITask CreateTask(IBuildEngine taskFactoryLoggingHost) => new SkillsOciOutOfProcessTask(_description!, _settings!);

    public void CleanupTask(ITask task)
    {
    }

    private static Type TypeOf(string kind) => kind switch
    {
        OutOfProcessKinds.String => typeof(string),
        OutOfProcessKinds.Bool => typeof(bool),
        OutOfProcessKinds.Strings => typeof(string[]),
        OutOfProcessKinds.Item => typeof(ITaskItem),
        OutOfProcessKinds.Items => typeof(ITaskItem[]),
        _ => throw new NotSupportedException($"Unknown parameter kind '{kind}'."),
    };

    // Read once per process: every project of a build declares the same tasks.
    private static List<OutOfProcessTaskDescription> Descriptions(string file)
    {
        lock (Gate)
        {
            if (!DescriptionsByFile.TryGetValue(file, out var descriptions))
            {
                using (var stream = File.OpenRead(file))
                {
                    descriptions = OutOfProcessJson.Read<List<OutOfProcessTaskDescription>>(stream);
                }

                DescriptionsByFile[file] = descriptions;
            }

            return descriptions;
        }
    }
}
