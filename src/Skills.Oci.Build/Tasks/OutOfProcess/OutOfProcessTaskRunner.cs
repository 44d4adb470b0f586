using System.Reflection;
using Microsoft.Build.Framework;

namespace Skills.Oci.Build.Tasks.OutOfProcess;

/// <summary>
/// Runs one Skills.Oci task for a .NET Framework MSBuild that cannot load it (Visual Studio 2022): the
/// net472 task in Skills.Oci.Build.NetFx writes the request, the tool's hidden <c>msbuild-task</c>
/// command calls this, and the same task class as in process does the work. Its events and outputs go
/// back as JSON lines (OutOfProcessProtocol.cs), so diagnostics keep code, file and line.
/// </summary>
public static class OutOfProcessTaskRunner
{
    /// <summary>The tool's hidden command that calls <see cref="RunAsync"/>.</summary>
    public const string CommandName = OutOfProcessKinds.CommandName;

    /// <summary>Every task a target may run out of process, with its parameters as MSBuild declares them.</summary>
    internal static IReadOnlyList<OutOfProcessTaskDescription> Describe() =>
        TaskTypes().Select(type => new OutOfProcessTaskDescription
        {
            TaskName = type.FullName!,
            Parameters = Parameters(type).Select(p => new OutOfProcessParameterDescription
            {
                Name = p.Name,
                Kind = KindOf(p.PropertyType),
                Required = p.GetCustomAttribute<RequiredAttribute>() is not null,
                Output = p.GetCustomAttribute<OutputAttribute>() is not null,
            }).ToList(),
        }).ToList();

    /// <summary>Writes <see cref="Describe"/> to a file (the package build ships it beside the net472 task).</summary>
    public static void WriteDescriptions(string path)
    {
        using var stream = File.Create(path);
        OutOfProcessJson.Write(stream, Describe().ToList());
    }

    /// <summary>Runs the task the request names; returns 0 when it succeeded. Events, then one result line, go to <paramref name="events"/>.</summary>
    public static async Task<int> RunAsync(string requestPath, TextWriter events, CancellationToken cancellationToken)
    {
        OutOfProcessTaskRequest request;
        using (var stream = File.OpenRead(requestPath))
        {
            request = OutOfProcessJson.Read<OutOfProcessTaskRequest>(stream);
        }

        var type = TaskTypes().SingleOrDefault(t => string.Equals(t.FullName, request.TaskName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"'{request.TaskName}' is not a Skills.Oci task.");
        var engine = new LineProtocolBuildEngine(request, events);
        var task = (ITask)Activator.CreateInstance(type)!;
        task.BuildEngine = engine;
        var properties = Parameters(type).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in request.Parameters)
        {
            if (!properties.TryGetValue(parameter.Name, out var property))
            {
                throw new InvalidOperationException($"'{request.TaskName}' has no parameter '{parameter.Name}'.");
            }

            property.SetValue(task, FromValue(parameter, property.PropertyType));
        }

        bool success;
        using (cancellationToken.Register(() => (task as ICancelableTask)?.Cancel()))
        {
            success = await Task.Run(task.Execute, CancellationToken.None).ConfigureAwait(false);
        }

        engine.Write(new OutOfProcessTaskEvent
        {
            Kind = OutOfProcessKinds.Result,
            Success = success,
            Outputs = success
                ? Parameters(type).Where(p => p.GetCustomAttribute<OutputAttribute>() is not null).Select(p => OutOfProcessValues.From(p.Name, KindOf(p.PropertyType), p.GetValue(task))).ToList()
                : [],
        });
        return success ? 0 : 1;
    }

    private static IEnumerable<Type> TaskTypes() =>
        typeof(SkillsOciTask).Assembly.GetExportedTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && typeof(ITask).IsAssignableFrom(t) && t.Namespace == typeof(SkillsOciTask).Namespace)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    // What MSBuild sees of a task: its public instance properties, minus ITask's own and those MSBuild sets itself.
    private static IEnumerable<PropertyInfo> Parameters(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType != typeof(Microsoft.Build.Utilities.Task) && p.DeclaringType != typeof(SkillsOciTask) && p.GetIndexParameters().Length == 0)
            .Where(p => p.GetCustomAttribute<OutputAttribute>() is not null || p.SetMethod is { IsPublic: true })
            .OrderBy(p => p.Name, StringComparer.Ordinal);

    private static string KindOf(Type type) =>
        type == typeof(string) ? OutOfProcessKinds.String
        : type == typeof(bool) ? OutOfProcessKinds.Bool
        : type == typeof(string[]) ? OutOfProcessKinds.Strings
        : type == typeof(ITaskItem) ? OutOfProcessKinds.Item
        : type == typeof(ITaskItem[]) ? OutOfProcessKinds.Items
        : throw new NotSupportedException($"A task parameter of type {type} cannot travel out of process; add its kind to OutOfProcessKinds.");

    private static object? FromValue(OutOfProcessTaskValue value, Type type) => KindOf(type) switch
    {
        OutOfProcessKinds.String => value.Value,
        OutOfProcessKinds.Bool => bool.Parse(value.Value ?? "false"),
        OutOfProcessKinds.Strings => (value.Values ?? []).ToArray(),
        OutOfProcessKinds.Item => value.Items is [var item, ..] ? new RemoteTaskItem(item) : null,
        _ => (value.Items ?? []).Select(i => (ITaskItem)new RemoteTaskItem(i)).ToArray(),
    };
}
