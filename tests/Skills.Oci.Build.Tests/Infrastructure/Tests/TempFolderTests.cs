namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

public sealed class TempFolderTests
{
    [Fact]
    public void Lives_outside_the_repository_under_the_temp_folder_with_the_prefix()
    {
        using var folder = new TempFolder("check");

        Assert.True(Directory.Exists(folder.Path));
        Assert.Equal(Path.GetFullPath(Path.GetTempPath()), Path.GetDirectoryName(folder.Path) + Path.DirectorySeparatorChar);
        Assert.StartsWith(TempFolder.Prefix + "check-", Path.GetFileName(folder.Path), StringComparison.Ordinal);
        Assert.False(folder.Path.StartsWith(RepositoryRoot.Path, StringComparison.Ordinal));
        Assert.NotEqual(folder.Path, new TempFolder("check").Path);
    }

    [Fact]
    public void Combine_takes_slash_separated_parts_and_write_creates_parents()
    {
        using var folder = new TempFolder();

        var path = folder.Write("a/b/c.txt", "text");

        Assert.Equal(folder.Combine("a", "b/c.txt"), path);
        Assert.Equal("text", File.ReadAllText(path));
        Assert.True(Directory.Exists(folder.CreateFolder("x/y")));
    }

    [Fact]
    public void Dispose_deletes_read_only_files_and_folders_without_write_permission()
    {
        var folder = new TempFolder("read-only");
        var file = folder.Write("locked/inner/file.txt", "x");
        File.SetAttributes(file, FileAttributes.ReadOnly);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder.Combine("locked/inner"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            File.SetUnixFileMode(folder.Combine("locked"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        folder.Dispose();

        Assert.False(Directory.Exists(folder.Path));
    }

    [Fact]
    public void Dispose_deletes_a_link_without_touching_its_target()
    {
        using var outside = new TempFolder("link-target");
        var target = outside.Write("keep.txt", "kept");
        File.SetAttributes(target, FileAttributes.ReadOnly);
        var folder = new TempFolder("link");
        File.CreateSymbolicLink(folder.Combine("link.txt"), target);

        folder.Dispose();

        Assert.False(Directory.Exists(folder.Path));
        Assert.True(File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly));
        Assert.Equal("kept", File.ReadAllText(target));
    }
}
