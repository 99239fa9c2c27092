using FnPipeline.Fleet.Node;
using Microsoft.Extensions.Time.Testing;

namespace FnPipeline.Fleet.Tests.Node;

/// <summary>A node's placement state without NATS: what it subscribes to as it fills, drains and forgets hot functions.</summary>
public sealed class NodeRoomTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void WithRoom_TheNodeTakesAnyCall_AndItsHotFunctions()
    {
        var room = new NodeRoom(2, _time);
        room.MarkHot("abc", "echo", "img", TimeSpan.FromSeconds(30));

        var subjects = room.Subjects();

        subjects.Any.ShouldBeTrue();
        subjects.HotKeys.ShouldBe(["abc"]);
    }

    [Fact]
    public void AFullNode_HoldsNoSubscription_AndRefusesTheNextCall()
    {
        var room = new NodeRoom(2, _time);
        room.MarkHot("abc", null, "img", TimeSpan.FromSeconds(30));

        room.TryTake().ShouldBeTrue();
        room.Subjects().Any.ShouldBeTrue();
        room.TryTake().ShouldBeTrue();

        room.Subjects().ShouldBe(NodeSubjects.None);
        room.TryTake().ShouldBeFalse();
        room.InFlight.ShouldBe(2);
        room.Release();
        room.Subjects().HotKeys.ShouldBe(["abc"]);
    }

    [Fact]
    public void ADrainingNode_TakesNothing_EvenWithRoom()
    {
        var room = new NodeRoom(4, _time);
        room.Drain();

        room.TryTake().ShouldBeFalse();
        room.Subjects().ShouldBe(NodeSubjects.None);
    }

    [Fact]
    public void AHotFunction_IsForgottenAfterItsIdleTime_AndACallExtendsIt()
    {
        var room = new NodeRoom(1, _time);
        room.MarkHot("abc", null, "img", TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(20));
        room.MarkHot("abc", null, "img", TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(20));

        room.Subjects().HotKeys.ShouldBe(["abc"]);
        _time.Advance(TimeSpan.FromSeconds(10));
        room.Subjects().HotKeys.ShouldBeEmpty();
        room.HotFunctions().ShouldBeEmpty();
    }

    [Fact]
    public void ReleasingASlotNeverTaken_Throws()
    {
        Should.Throw<InvalidOperationException>(() => new NodeRoom(1, _time).Release());
    }
}
