namespace Skills.Oci.Build.FileSystem;

/// <summary>
/// Replaces a folder by one staged beside it (same volume, so each step is a rename): the old folder is
/// moved aside, the new one moved in, and on failure the old one is moved back, so the destination
/// always holds a complete folder, the old or the new. Restore's <c>InstallTransaction</c> does the
/// same for many folders at once, with a journal, because its asides must outlive the lock write.
/// </summary>
public static class AtomicDirectory
{
    public static void Replace(string staged, string destination)
    {
        if (!Directory.Exists(destination))
        {
            Directory.Move(staged, destination);
            return;
        }

        var aside = TempName.Beside(destination, "old");
        Directory.Move(destination, aside);
        try
        {
            Directory.Move(staged, destination);
        }
        catch
        {
            Directory.Move(aside, destination);
            throw;
        }

        DirectoryTree.Delete(aside);
    }
}
