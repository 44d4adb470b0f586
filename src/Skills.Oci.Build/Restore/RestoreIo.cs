using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// File-system failures of a restore (a read-only folder, a full disk, a file another program holds)
/// as coded errors that name the path and what to do, never as "please report".
/// </summary>
public static class RestoreIo
{
    public static SkillsOciException Failure(string path, string action, Exception inner) =>
        new(ErrorCodes.RestoreIoFailure,
            $"Could not {action} '{path}': {inner.Message.TrimEnd('.')}. Check that the folder is writable and not held open by another program, then restore again; nothing was changed.",
            path, innerException: inner);

    /// <summary>True for the exceptions the file system throws for one path.</summary>
    public static bool IsIo(Exception ex) => ex is IOException or UnauthorizedAccessException;
}
