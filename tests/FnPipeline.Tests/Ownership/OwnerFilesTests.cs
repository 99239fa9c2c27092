using FnPipeline.Docker;
using FnPipeline.Ownership;

namespace FnPipeline.Tests.Ownership;

/// <summary>Which owners a reaper may judge, and which of their files it may delete.</summary>
public sealed class OwnerFilesTests : IDisposable
{
    private const string Host = "host-a";
    private const string Id = "0123456789abcdef";
    private readonly string _base = Directory.CreateTempSubdirectory("fnpf-").FullName;

    [Fact]
    public void FromLabels_ExactShape_IsTrusted()
    {
        var files = OwnerFiles.FromLabels(Id, $"/tmp/fnpipeline-owner-{Id}.lock");

        files.ShouldNotBeNull();
        files.BaseDirectory.ShouldBe("/tmp");
        files.MarkerDirectory.ShouldBe($"/tmp/fnpipeline-owner-{Id}");
    }

    [Theory]
    [InlineData(Id, "fnpipeline-owner-0123456789abcdef.lock")]
    [InlineData(Id, "/tmp/fnpipeline-owner-fedcba9876543210.lock")]
    [InlineData(Id, "/tmp/other.lock")]
    [InlineData(Id, "/tmp/../etc/fnpipeline-owner-0123456789abcdef.lock")]
    [InlineData("0123", "/tmp/fnpipeline-owner-0123.lock")]
    [InlineData("../../etc/passwd", "/tmp/fnpipeline-owner-../../etc/passwd.lock")]
    [InlineData(null, "/tmp/fnpipeline-owner-0123456789abcdef.lock")]
    [InlineData(Id, null)]
    public void FromLabels_AnyOtherShape_IsNotTrusted(string? ownerId, string? lockPath) =>
        OwnerFiles.FromLabels(ownerId, lockPath).ShouldBeNull();

    [Fact]
    public void Candidates_OnlyOwnerLabelledContainersOfThisHost()
    {
        var labelled = Labels(Id, Host);
        var otherHost = Labels("1111111111111111", "host-b");
        var unlabelled = new Dictionary<string, string> { ["fnpipeline.managed"] = "true", ["fnpipeline.instance"] = "old" };
        var malformed = new Dictionary<string, string>(Labels("2222222222222222", Host)) { [OwnerLabels.Lock] = "/etc/passwd" };

        var owners = ReapCandidates.Find([labelled, otherHost, unlabelled, malformed, null, Labels(Id, Host)], Host, []);

        owners.Select(o => o.OwnerId).ShouldBe([Id]);
    }

    [Fact]
    public void Candidates_IncludeOwnersFoundInTheBaseDirectory_Once()
    {
        var dead = ExecutorOwner.Acquire(_base);
        dead.Release(deleteFiles: false);
        File.WriteAllText(Path.Join(_base, "fnpipeline-owner-not-an-id.lock"), "");

        var scanned = OwnerFiles.Scan(_base);
        var owners = ReapCandidates.Find([Labels(dead.Files.OwnerId, Host, _base)], Host, scanned);

        scanned.Select(o => o.OwnerId).ShouldBe([dead.Files.OwnerId]);
        owners.ShouldHaveSingleItem().LockPath.ShouldBe(dead.Files.LockPath);
    }

    [Fact]
    public void DeleteSocketDirectories_DeletesOnlyMarkedDirectories()
    {
        var owner = ExecutorOwner.Acquire(_base);
        var marked = Directory.CreateDirectory(Path.Join(_base, "iofs-aaaaaaaaaaaa")).FullName;
        owner.AddSocketDirectory("iofs-aaaaaaaaaaaa");
        var unmarked = Directory.CreateDirectory(Path.Join(_base, "iofs-bbbbbbbbbbbb")).FullName;
        owner.AddSocketDirectory("not-a-socket-directory");
        owner.AddSocketDirectory("iofs-cccccccccccc");
        owner.Release(deleteFiles: false);

        owner.Files.DeleteSocketDirectories().ShouldBe(1);

        Directory.Exists(marked).ShouldBeFalse();
        Directory.Exists(unmarked).ShouldBeTrue("another owner's (or an older version's) directory");
        File.Exists(owner.Files.LockPath).ShouldBeTrue("the lock file goes only with DeleteOwnerFiles");
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private static Dictionary<string, string> Labels(string ownerId, string host, string directory = "/tmp") => new()
    {
        ["fnpipeline.managed"] = "true",
        [OwnerLabels.Owner] = ownerId,
        [OwnerLabels.Lock] = Path.Join(directory, $"fnpipeline-owner-{ownerId}.lock"),
        [OwnerLabels.Host] = host,
    };
}
