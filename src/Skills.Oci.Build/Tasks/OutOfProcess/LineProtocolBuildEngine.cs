using System.Collections;
using Microsoft.Build.Framework;

namespace Skills.Oci.Build.Tasks.OutOfProcess;

/// <summary>
/// The build engine a task sees in the tool's <c>msbuild-task</c> command: every event becomes one
/// JSON line for the parent MSBuild, which logs it with its code, help link, file and line. Task
/// objects live in memory; keys the parent says were registered earlier in the build answer as
/// present, and new keys are reported back so the parent remembers them for the next task.
/// </summary>
internal sealed class LineProtocolBuildEngine : IBuildEngine4
{
    private readonly TextWriter _events;
    private readonly object _gate = new();
    private readonly Dictionary<object, object> _objects = [];
    private readonly OutOfProcessTaskRequest _request;

    public LineProtocolBuildEngine(OutOfProcessTaskRequest request, TextWriter events)
    {
        _request = request;
        _events = events;
        foreach (var key in request.RegisteredKeys)
        {
            _objects[key] = new object();
        }
    }

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => _request.Line;

    public int ColumnNumberOfTaskNode => _request.Column;

    public string ProjectFileOfTaskNode => _request.ProjectFile ?? string.Empty;

    public bool IsRunningMultipleNodes => false;

    public void LogErrorEvent(BuildErrorEventArgs e) => Write(new OutOfProcessTaskEvent
    {
        Kind = OutOfProcessKinds.Error, Subcategory = e.Subcategory, Code = e.Code, HelpKeyword = e.HelpKeyword, HelpLink = e.HelpLink,
        File = e.File, Line = e.LineNumber, Column = e.ColumnNumber, EndLine = e.EndLineNumber, EndColumn = e.EndColumnNumber, Message = e.Message,
    });

    public void LogWarningEvent(BuildWarningEventArgs e) => Write(new OutOfProcessTaskEvent
    {
        Kind = OutOfProcessKinds.Warning, Subcategory = e.Subcategory, Code = e.Code, HelpKeyword = e.HelpKeyword, HelpLink = e.HelpLink,
        File = e.File, Line = e.LineNumber, Column = e.ColumnNumber, EndLine = e.EndLineNumber, EndColumn = e.EndColumnNumber, Message = e.Message,
    });

    public void LogMessageEvent(BuildMessageEventArgs e) =>
        Write(new OutOfProcessTaskEvent { Kind = OutOfProcessKinds.Message, Message = e.Message, Importance = (int)e.Importance });

    public void LogCustomEvent(CustomBuildEventArgs e) =>
        Write(new OutOfProcessTaskEvent { Kind = OutOfProcessKinds.Message, Message = e.Message, Importance = (int)MessageImportance.Low });

    public void Write(OutOfProcessTaskEvent e)
    {
        var line = OutOfProcessJson.ToLine(e);
        lock (_gate)
        {
            _events.WriteLine(line);
            _events.Flush();
        }
    }

    // The tasks never build other projects; a request to would be a bug, not a silent success.
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("Skills.Oci tasks do not build other projects.");

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) =>
        BuildProjectFile(projectFileName, targetNames, globalProperties, targetOutputs);

    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) =>
        throw new NotSupportedException("Skills.Oci tasks do not build other projects.");

    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) =>
        throw new NotSupportedException("Skills.Oci tasks do not build other projects.");

    public void Yield()
    {
    }

    public void Reacquire()
    {
    }

    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection)
    {
        lock (_gate)
        {
            _objects[key] = obj;
        }

        // Only string keys can travel; the tasks use nothing else.
        if (key is string text)
        {
            Write(new OutOfProcessTaskEvent { Kind = OutOfProcessKinds.Register, Key = text });
        }
    }

    public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var value) ? value : null;
        }
    }

    public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime)
    {
        lock (_gate)
        {
            return _objects.Remove(key, out var value) ? value : null;
        }
    }
}
