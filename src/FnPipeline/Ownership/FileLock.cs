using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FnPipeline.Ownership;

/// <summary>
/// An exclusive, non-blocking <c>flock(2)</c> on a file: held for as long as the returned handle is open, released by
/// the kernel when the process dies however it dies (SIGKILL included). Two handles conflict even inside one process,
/// so several executors in one process exclude each other too.
/// </summary>
/// <remarks>
/// .NET already takes <c>flock(LOCK_EX|LOCK_NB)</c> when a file is opened with <see cref="FileShare.None"/>, but
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns that off; the explicit call below keeps the lock whatever that
/// switch says, since a lock that silently does nothing would let a reaper remove a live executor's containers.
/// </remarks>
internal static partial class FileLock
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    /// <summary>Advisory <c>flock</c> exists here (Linux, macOS); elsewhere nobody can be judged dead.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    // EWOULDBLOCK: 11 on Linux, 35 on the BSDs and macOS.
    private static int WouldBlock => OperatingSystem.IsLinux() ? 11 : 35;

    /// <summary>
    /// Opens <paramref name="path"/> (<paramref name="mode"/>: <see cref="FileMode.Open"/> to probe an existing lock,
    /// <see cref="FileMode.CreateNew"/> to make one) and locks it. <c>null</c>: another handle holds the lock.
    /// A missing file throws <see cref="FileNotFoundException"/> or <see cref="DirectoryNotFoundException"/>.
    /// </summary>
    public static SafeFileHandle? TryLock(string path, FileMode mode)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("Owner locks need flock(2), which this platform does not have.");
        }

        SafeFileHandle? handle = null;
        try
        {
            handle = File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.None);
            if (!Lock(handle, path))
            {
                return null;
            }

            var locked = handle;
            handle = null;
            return locked;
        }
        catch (IOException e) when (e.GetType() == typeof(IOException) && e.HResult == WouldBlock)
        {
            // .NET's own lock on open found it held.
            return null;
        }
        finally
        {
            handle?.Dispose();
        }
    }

    private static bool Lock(SafeFileHandle handle, string path)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var descriptor = (int)handle.DangerousGetHandle();
            while (true)
            {
                if (Flock(descriptor, LockExclusive | LockNonBlocking) == 0)
                {
                    return true;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == WouldBlock)
                {
                    return false;
                }

                // EINTR: a signal arrived during the call; anything else is a real failure (e.g. ENOLCK).
                if (errno != 4)
                {
                    throw new IOException($"flock on '{path}' failed with errno {errno}", errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int descriptor, int operation);
}
