using FnPipeline.Docker;

namespace FnPipeline.Tests.Docker;

public sealed class DockerImageNameTests
{
    [Theory]
    [InlineData("mongo", "", "library/mongo", "latest")]
    [InlineData("mongo:4", "", "library/mongo", "4")]
    [InlineData("fnproject/hello", "", "fnproject/hello", "latest")]
    [InlineData("quay.com:8080/fnproject/fn-test-utils:v2", "quay.com:8080", "fnproject/fn-test-utils", "v2")]
    [InlineData("localhost.localdomain:5000/samalba/hipache/isthisallowedeven:latest", "localhost.localdomain:5000", "samalba/hipache/isthisallowedeven", "latest")]
    [InlineData("localhost/foo", "localhost", "foo", "latest")]
    [InlineData("127.0.0.1:5000/fnpipeline/busybox", "127.0.0.1:5000", "fnpipeline/busybox", "latest")]
    [InlineData("localhost:5000/foo", "localhost:5000", "foo", "latest")]
    public void Parse_SplitsLikeFnsParseImage(string image, string registry, string repository, string tag) =>
        DockerImageName.Parse(image).ShouldBe(new DockerImageName(registry, repository, tag));

    [Theory]
    [InlineData("repo@sha256:abc", "library/repo")]
    [InlineData("repo:v1@sha256:abc", "library/repo")]
    [InlineData("127.0.0.1:5000/x/y:v1@sha256:abc", "x/y")]
    public void Parse_Digest_IsKeptAsTheTag(string image, string repository)
    {
        var name = DockerImageName.Parse(image);

        name.Repository.ShouldBe(repository);
        name.Tag.ShouldBe("sha256:abc");
        name.IsDigest.ShouldBeTrue();
    }

    [Fact]
    public void FromImage_JoinsRegistryAndRepository()
    {
        DockerImageName.Parse("127.0.0.1:5000/fnpipeline/busybox:v2").FromImage.ShouldBe("127.0.0.1:5000/fnpipeline/busybox");
        DockerImageName.Parse("busybox").FromImage.ShouldBe("library/busybox");
    }

    [Fact]
    public void ToString_IsAFullReference()
    {
        DockerImageName.Parse("busybox").ToString().ShouldBe("library/busybox:latest");
        DockerImageName.Parse("r.io/a/b@sha256:d").ToString().ShouldBe("r.io/a/b@sha256:d");
    }
}
