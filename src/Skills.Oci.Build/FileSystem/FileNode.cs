using System.Runtime.InteropServices;

namespace Skills.Oci.Build.FileSystem;

public enum FileNodeKind
{
    Missing,
    RegularFile,
    Directory,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    Other,
}

/// <summary>
/// What a path is, without following it (lstat semantics): its kind, its hard-link count and, on Unix,
/// its permission bits. .NET 8 has no managed API for the link count or for device/FIFO/socket types,
/// so this asks the operating system directly:
/// <list type="bullet">
/// <item>Linux: <c>statx(2)</c> with <c>AT_SYMLINK_NOFOLLOW</c>. Unlike <c>struct stat</c>, whose layout
/// differs between architectures and C libraries, <c>struct statx</c> has one fixed layout everywhere;
/// it is called through the libc wrapper, or through <c>syscall(2)</c> where an older libc lacks it.</item>
/// <item>macOS: <c>lstat</c> with Darwin's 64-bit-inode <c>struct stat</c> (one layout on x64 and arm64).</item>
/// <item>Windows: reparse points through <see cref="FileSystemInfo.LinkTarget"/> and attributes, and the
/// link count from <c>GetFileInformationByHandle</c>.</item>
/// </list>
/// If none of these is available the answer falls back to what .NET can see (links, folders, files;
/// <see cref="IsExact"/> is false), which still refuses symbolic links.
/// </summary>
public readonly record struct FileNode(FileNodeKind Kind, long LinkCount, UnixFileMode Mode, bool IsExact)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxNlink = 0x4;
    private const int StatxBufferSize = 256;
    private const int DarwinStatBufferSize = 144;

    private static readonly UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>True when any execute bit is set (Unix); always false on Windows.</summary>
    public bool HasExecuteBit => (Mode & AnyExecute) != 0;

    public static FileNode Inspect(string path)
    {
        if (OperatingSystem.IsLinux() && TryStatx(path, out var node))
        {
            return node;
        }

        if (OperatingSystem.IsMacOS() && TryDarwinLstat(path, out node))
        {
            return node;
        }

        return InspectManaged(path);
    }

    private static FileNode InspectManaged(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
        }

        if (!info.Exists && info.LinkTarget is null)
        {
            return new FileNode(FileNodeKind.Missing, 0, 0, true);
        }

        if (info.LinkTarget is not null || info.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            return new FileNode(FileNodeKind.SymbolicLink, 1, 0, true);
        }

        var mode = OperatingSystem.IsWindows() ? 0 : info.UnixFileMode;
        if (info is DirectoryInfo)
        {
            return new FileNode(FileNodeKind.Directory, 1, mode, true);
        }

        if (OperatingSystem.IsWindows())
        {
            return new FileNode(FileNodeKind.RegularFile, WindowsLinkCount(path), 0, true);
        }

        return new FileNode(FileNodeKind.RegularFile, 1, mode, false);
    }

    private static FileNodeKind KindFromMode(uint mode) => (mode & 0xF000) switch
    {
        0x8000 => FileNodeKind.RegularFile,
        0x4000 => FileNodeKind.Directory,
        0xA000 => FileNodeKind.SymbolicLink,
        0x2000 => FileNodeKind.CharacterDevice,
        0x6000 => FileNodeKind.BlockDevice,
        0x1000 => FileNodeKind.Fifo,
        0xC000 => FileNodeKind.Socket,
        _ => FileNodeKind.Other,
    };

    private static bool TryStatx(string path, out FileNode node)
    {
        node = default;
        var buffer = new byte[StatxBufferSize];
        int result;
        int errno;
        try
        {
            result = NativeMethods.statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxNlink, buffer);
            errno = Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.28 and musl before 1.2.5 have no wrapper; the system call itself exists
            // since Linux 4.11.
            var number = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => 332L,
                Architecture.Arm64 => 291L,
                Architecture.Arm => 397L,
                Architecture.X86 => 383L,
                _ => -1L,
            };
            if (number < 0)
            {
                return false;
            }

            result = (int)NativeMethods.syscall(number, AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxNlink, buffer);
            errno = Marshal.GetLastPInvokeError();
        }
        catch (DllNotFoundException)
        {
            return false;
        }

        if (result != 0)
        {
            return HandleError(errno, out node);
        }

        // struct statx: stx_nlink (u32) at offset 16, stx_mode (u16) at 28, in native byte order.
        var nlink = BitConverter.ToUInt32(buffer, 16);
        var mode = BitConverter.ToUInt16(buffer, 28);

        node = new FileNode(KindFromMode(mode), nlink, (UnixFileMode)(mode & 0xFFF), true);
        return true;
    }

    private static bool TryDarwinLstat(string path, out FileNode node)
    {
        node = default;
        var buffer = new byte[DarwinStatBufferSize];
        int result;
        try
        {
            result = RuntimeInformation.ProcessArchitecture == Architecture.X64
                ? NativeMethods.lstat_inode64(path, buffer)
                : NativeMethods.lstat(path, buffer);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }

        if (result != 0)
        {
            return HandleError(Marshal.GetLastPInvokeError(), out node);
        }

        // struct stat (64-bit inodes): dev_t st_dev (4), mode_t st_mode (2), nlink_t st_nlink (2), ...
        var mode = BitConverter.ToUInt16(buffer, 4);
        var nlink = BitConverter.ToUInt16(buffer, 6);
        node = new FileNode(KindFromMode(mode), nlink, (UnixFileMode)(mode & 0xFFF), true);
        return true;
    }

    private static bool HandleError(int errno, out FileNode node)
    {
        // ENOENT (2) and ENOTDIR (20) mean the path does not exist; anything else is not ours to
        // interpret, so let the managed view answer.
        if (errno is 2 or 20)
        {
            node = new FileNode(FileNodeKind.Missing, 0, 0, true);
            return true;
        }

        node = default;
        return false;
    }

    private static long WindowsLinkCount(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var info = new byte[52];
            // BY_HANDLE_FILE_INFORMATION.nNumberOfLinks is at offset 40.
            return NativeMethods.GetFileInformationByHandle(handle, info) ? BitConverter.ToUInt32(info, 40) : 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or EntryPointNotFoundException or DllNotFoundException)
        {
            return 1;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern long syscall(long number, int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int lstat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

        [DllImport("libc", EntryPoint = "lstat$INODE64", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int lstat_inode64([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

        [DllImport("kernel32", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool GetFileInformationByHandle(Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] information);
    }
}
