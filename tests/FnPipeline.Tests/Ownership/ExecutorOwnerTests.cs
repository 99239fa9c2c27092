using System.Diagnostics;
using FnPipeline.HotPool;
using FnPipeline.Ownership;

namespace FnPipeline.Tests.Ownership;

/// <summary>The owner lock: held while its owner lives (in this process or another), free once it is gone.</summary>
public sealed class ExecutorOwnerTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("fnpo-").FullName;

    [Fact]
    public void Acquire_CreatesTheLockAndMarkerDirectory_AndLabelsNameThem()
    {
        using var owner = ExecutorOwner.Acquire(_base, "host-a");

        File.Exists(owner.Files.LockPath).ShouldBeTrue();
        Directory.Exists(owner.Files.MarkerDirectory).ShouldBeTrue();
        Path.GetDirectoryName(owner.Files.LockPath).ShouldBe(_base);
        owner.Labels.ShouldBe(new Dictionary<string, string>
        {
            [OwnerLabels.Owner] = owner.Files.OwnerId,
            [OwnerLabels.Lock] = owner.Files.LockPath,
            [OwnerLabels.Host] = "host-a",
        });
    }

    [Fact]
    public void TryClaim_OwnerAliveInThisProcess_IsHeld()
    {
        using var owner = ExecutorOwner.Acquire(_base);

        ExecutorOwner.TryClaim(owner.Files, out var claim).ShouldBe(OwnerState.Held);

        claim.ShouldBeNull();
        File.Exists(owner.Files.LockPath).ShouldBeTrue("a probe never deletes anything");
    }

    [Fact]
    public void TryClaim_OwnerReleasedWithoutCleanup_IsFree_AndTheClaimExcludesOtherReapers()
    {
        var owner = ExecutorOwner.Acquire(_base);
        owner.Release(deleteFiles: false);

        ExecutorOwner.TryClaim(owner.Files, out var claim).ShouldBe(OwnerState.Free);
        using (claim)
        {
            claim.ShouldNotBeNull();
            ExecutorOwner.TryClaim(owner.Files, out var second).ShouldBe(OwnerState.Held, "a second reaper must wait for the first");
            second.ShouldBeNull();
        }

        ExecutorOwner.TryClaim(owner.Files, out var third).ShouldBe(OwnerState.Free);
        third!.Dispose();
    }

    [Fact]
    public void TryClaim_NoLockFile_IsMissing()
    {
        var files = OwnerFiles.Create("0123456789abcdef", _base);

        ExecutorOwner.TryClaim(files, out var claim).ShouldBe(OwnerState.Missing);

        claim.ShouldBeNull();
    }

    [Fact]
    public void TryClaim_BaseDirectoryGone_IsMissing()
    {
        var files = OwnerFiles.Create("0123456789abcdef", Path.Join(_base, "not-here"));

        ExecutorOwner.TryClaim(files, out _).ShouldBe(OwnerState.Missing);
    }

    [Fact]
    public async Task TryClaim_LockHeldByAnotherProcess_IsHeld_UntilThatProcessIsKilled()
    {
        var owner = ExecutorOwner.Acquire(_base);
        owner.Release(deleteFiles: false);

        // util-linux flock(1) takes the same flock(2) lock: the probe must see another process's lock, and the kernel
        // must drop it when that process dies by SIGKILL (--close: only flock itself holds it, not its child).
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", "--close", owner.Files.LockPath, "sh", "-c", "echo held; exec sleep 120"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            (await holder.StandardOutput.ReadLineAsync(timeout.Token)).ShouldBe("held");

            ExecutorOwner.TryClaim(owner.Files, out var claim).ShouldBe(OwnerState.Held);
            claim.ShouldBeNull();
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }

        ExecutorOwner.TryClaim(owner.Files, out var after).ShouldBe(OwnerState.Free);
        after!.Dispose();
    }

    [Fact]
    public void Release_WithCleanup_DeletesMarkedSocketDirectories_TheMarkersAndTheLockFile()
    {
        var owner = ExecutorOwner.Acquire(_base);
        var directory = SocketDirectory.Create(_base, owner);
        File.WriteAllText(Path.Join(directory.Path, "left-by-function"), "x");

        owner.Release(deleteFiles: true);

        Directory.Exists(directory.Path).ShouldBeFalse();
        Directory.Exists(owner.Files.MarkerDirectory).ShouldBeFalse();
        File.Exists(owner.Files.LockPath).ShouldBeFalse();
    }

    [Fact]
    public void SocketDirectory_IsMarkedFromCreationUntilDeletion()
    {
        using var owner = ExecutorOwner.Acquire(_base);

        var directory = SocketDirectory.Create(_base, owner);
        File.Exists(owner.Files.MarkerOf(Path.GetFileName(directory.Path))).ShouldBeTrue();

        directory.Delete();
        Directory.EnumerateFileSystemEntries(owner.Files.MarkerDirectory).ShouldBeEmpty();
    }

    [Fact]
    public void SocketDirectory_UnderAnotherBase_IsNotMarked()
    {
        using var owner = ExecutorOwner.Acquire(_base);
        var otherBase = Directory.CreateDirectory(Path.Join(_base, "other")).FullName;

        var directory = SocketDirectory.Create(otherBase, owner);

        Directory.EnumerateFileSystemEntries(owner.Files.MarkerDirectory).ShouldBeEmpty("a marker names a directory of the owner's base only");
        directory.Delete();
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
