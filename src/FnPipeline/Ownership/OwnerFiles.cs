using System.Text.RegularExpressions;

namespace FnPipeline.Ownership;

/// <summary>
/// Where one executor's ownership lives on the host, next to the socket directories of its hot containers:
/// <c>&lt;base&gt;/fnpipeline-owner-&lt;id&gt;.lock</c>, the lock it holds for its lifetime, and
/// <c>&lt;base&gt;/fnpipeline-owner-&lt;id&gt;/</c>, one empty marker file per socket directory it created
/// (<c>&lt;base&gt;/iofs-…</c>), so that a reaper can find its directories even when no container names them any more.
/// </summary>
internal sealed partial record OwnerFiles
{
    private const string Prefix = "fnpipeline-owner-";
    private const string LockSuffix = ".lock";

    private OwnerFiles(string ownerId, string baseDirectory)
    {
        OwnerId = ownerId;
        BaseDirectory = baseDirectory;
        LockPath = Path.Join(baseDirectory, Prefix + ownerId + LockSuffix);
        MarkerDirectory = Path.Join(baseDirectory, Prefix + ownerId);
    }

    /// <summary>16 lowercase hex digits, new for every executor (a restarted executor with the same instance id gets a new one).</summary>
    public string OwnerId { get; }

    public string BaseDirectory { get; }

    public string LockPath { get; }

    public string MarkerDirectory { get; }

    public static OwnerFiles Create(string ownerId, string baseDirectory)
    {
        if (!IsOwnerId(ownerId))
        {
            throw new ArgumentException($"Owner id '{ownerId}' is not 16 lowercase hex digits", nameof(ownerId));
        }

        return new OwnerFiles(ownerId, Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseDirectory)));
    }

    /// <summary>
    /// The files a container's owner labels name, or <c>null</c> when the labels do not have the exact shape this
    /// version writes (a hand-made or foreign label is never trusted with deletions).
    /// </summary>
    public static OwnerFiles? FromLabels(string? ownerId, string? lockPath)
    {
        if (ownerId is null || lockPath is null || !IsOwnerId(ownerId) || !Path.IsPathFullyQualified(lockPath) || Path.GetFullPath(lockPath) != lockPath
            || Path.GetFileName(lockPath) != Prefix + ownerId + LockSuffix || Path.GetDirectoryName(lockPath) is not { Length: > 0 } directory)
        {
            return null;
        }

        var files = new OwnerFiles(ownerId, directory);
        return files.LockPath == lockPath ? files : null;
    }

    /// <summary>Every owner whose lock file lies in <paramref name="baseDirectory"/>; none when it cannot be read.</summary>
    public static IReadOnlyList<OwnerFiles> Scan(string baseDirectory)
    {
        try
        {
            return [.. Directory.EnumerateFiles(baseDirectory, Prefix + "*" + LockSuffix)
                .Select(path => Path.GetFileName(path)[Prefix.Length..^LockSuffix.Length])
                .Where(IsOwnerId)
                .Select(id => Create(id, baseDirectory))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Deletes every socket directory a marker names, then the marker; returns how many directories were there.</summary>
    public int DeleteSocketDirectories()
    {
        IEnumerable<string> markers;
        try
        {
            markers = [.. Directory.EnumerateFiles(MarkerDirectory)];
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }

        var deleted = 0;
        foreach (var marker in markers)
        {
            var name = Path.GetFileName(marker);
            if (!SocketDirectoryName().IsMatch(name))
            {
                continue;
            }

            try
            {
                Directory.Delete(Path.Join(BaseDirectory, name), recursive: true);
                deleted++;
            }
            catch (DirectoryNotFoundException)
            {
            }

            File.Delete(marker);
        }

        return deleted;
    }

    /// <summary>The marker directory, then the lock file: last, so that a crash half-way leaves a lock to judge again.</summary>
    public void DeleteOwnerFiles()
    {
        try
        {
            Directory.Delete(MarkerDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        File.Delete(LockPath);
    }

    /// <summary>The marker of socket directory <paramref name="name"/> (<c>iofs-&lt;12 hex&gt;</c>).</summary>
    public string MarkerOf(string name) => Path.Join(MarkerDirectory, name);

    private static bool IsOwnerId(string value) => OwnerIdPattern().IsMatch(value);

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex OwnerIdPattern();

    [GeneratedRegex("^iofs-[0-9a-f]{12}$")]
    private static partial Regex SocketDirectoryName();
}
