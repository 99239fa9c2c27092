using System.Runtime.InteropServices;

namespace FnPipeline.HotPool;

/// <summary>
/// The type of a file (socket, link, ...), which .NET does not expose. Read with <c>statx(2)</c>, whose buffer
/// layout is the same on every architecture (unlike <c>struct stat</c>).
/// </summary>
internal static partial class FileType
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    /// <summary>The <c>S_IFMT</c> bits of <paramref name="path"/>; 0 when it does not exist.</summary>
    /// <param name="path">The file.</param>
    /// <param name="followLinks"><c>false</c> describes a symbolic link itself (lstat), <c>true</c> its target (stat).</param>
    /// <exception cref="IOException">The file could not be examined.</exception>
    public static int Of(string path, bool followLinks)
    {
        var buffer = new byte[StatxSize];
        if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) == 0)
        {
            return BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is Enoent or Enotdir
            ? 0
            : throw new IOException($"statx '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    public static bool IsSocket(int type) => type == 0xC000;

    public static bool IsSymbolicLink(int type) => type == 0xA000;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [In, Out] byte[] buffer);
}
