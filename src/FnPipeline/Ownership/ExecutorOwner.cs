using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace FnPipeline.Ownership;

/// <summary>
/// A live executor's claim on what it creates: an exclusive lock on its lock file, held until disposal (or until the
/// kernel drops it when the process dies), labels naming that lock on every container, and a marker per socket
/// directory. A reaper on this host treats an owner as dead only when it can take the lock itself.
/// </summary>
internal sealed class ExecutorOwner : IDisposable
{
    private const int Attempts = 5;

    private readonly SafeFileHandle _lock;
    private int _released;

    private ExecutorOwner(OwnerFiles files, string host, SafeFileHandle handle)
    {
        Files = files;
        Host = host;
        _lock = handle;
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OwnerLabels.Owner] = files.OwnerId,
            [OwnerLabels.Lock] = files.LockPath,
            [OwnerLabels.Host] = host,
        };
    }

    /// <summary>The host name the owner labels carry: reapers judge only containers of their own host.</summary>
    public static string CurrentHost => Environment.MachineName;

    public OwnerFiles Files { get; }

    public string Host { get; }

    /// <summary>The owner labels every container of this executor carries.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>
    /// Creates a new lock file in <paramref name="baseDirectory"/> and locks it. A reaper that probes the new file
    /// between its creation and the lock may take it (and delete it); then the attempt starts over with a new id.
    /// </summary>
    public static ExecutorOwner Acquire(string baseDirectory, string? host = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var files = OwnerFiles.Create(RandomNumberGenerator.GetHexString(16, lowercase: true), baseDirectory);
            SafeFileHandle? handle;
            try
            {
                handle = FileLock.TryLock(files.LockPath, FileMode.CreateNew);
            }
            catch (IOException) when (File.Exists(files.LockPath) && attempt < Attempts)
            {
                continue;
            }

            if (handle is not null && File.Exists(files.LockPath))
            {
                try
                {
                    Directory.CreateDirectory(files.MarkerDirectory);
                }
                catch
                {
                    handle.Dispose();
                    throw;
                }

                return new ExecutorOwner(files, host ?? CurrentHost, handle);
            }

            handle?.Dispose();
            if (attempt >= Attempts)
            {
                throw new IOException($"Could not take an owner lock in '{baseDirectory}' after {Attempts} attempts");
            }
        }
    }

    /// <summary>
    /// Takes the lock of the owner whose files are <paramref name="files"/> when it is free (its owner is dead):
    /// <see cref="OwnerState.Free"/> with <paramref name="claim"/> set (hold it while cleaning up, then dispose it).
    /// </summary>
    public static OwnerState TryClaim(OwnerFiles files, out SafeFileHandle? claim)
    {
        claim = null;
        SafeFileHandle? handle;
        try
        {
            handle = FileLock.TryLock(files.LockPath, FileMode.Open);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return OwnerState.Missing;
        }

        if (handle is null)
        {
            return OwnerState.Held;
        }

        // Another reaper finished this owner and deleted the file between our open and our lock.
        if (!File.Exists(files.LockPath))
        {
            handle.Dispose();
            return OwnerState.Missing;
        }

        claim = handle;
        return OwnerState.Free;
    }

    /// <summary>Records a socket directory before it is created, so that it is found if this process dies.</summary>
    public void AddSocketDirectory(string name) => File.Create(Files.MarkerOf(name)).Dispose();

    /// <summary>Forgets a socket directory after it was deleted. Never throws: a marker left behind only makes a reaper
    /// look for a directory that is gone.</summary>
    public void RemoveSocketDirectory(string name)
    {
        try
        {
            File.Delete(Files.MarkerOf(name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Releases the lock. With <paramref name="deleteFiles"/> (nothing of this executor is left on the engine) the
    /// owner's files go first; without, they stay for a reaper to judge, which then finds the lock free.
    /// </summary>
    public void Release(bool deleteFiles)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        try
        {
            if (deleteFiles)
            {
                Files.DeleteSocketDirectories();
                Files.DeleteOwnerFiles();
            }
        }
        finally
        {
            _lock.Dispose();
        }
    }

    public void Dispose() => Release(deleteFiles: false);
}

/// <summary>What a reaper learns from an owner's lock file.</summary>
internal enum OwnerState
{
    /// <summary>No lock file on this host: another host's executor, or already cleaned up. Never judged.</summary>
    Missing,

    /// <summary>The owner holds its lock: it is alive.</summary>
    Held,

    /// <summary>Nobody holds the lock: the owner is dead, and the caller now holds it.</summary>
    Free,
}

/// <summary>The labels that name a container's owner.</summary>
internal static class OwnerLabels
{
    /// <summary>The owner id (16 hex digits), new for every executor process.</summary>
    public const string Owner = "fnpipeline.owner";

    /// <summary>The absolute path of the owner's lock file on its host.</summary>
    public const string Lock = "fnpipeline.owner.lock";

    /// <summary>The owner's host name.</summary>
    public const string Host = "fnpipeline.owner.host";
}
