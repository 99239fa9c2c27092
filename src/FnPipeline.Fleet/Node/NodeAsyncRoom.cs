using FnPipeline.Fleet.Async;

namespace FnPipeline.Fleet.Node;

/// <summary>
/// The node's room as its asynchronous worker sees it: the very slots of the node's synchronous calls, so a node never
/// runs more calls of both kinds than its capacity. Taking the last slot makes the node leave its call subjects (as a
/// synchronous call that fills it does); giving one back subscribes it again and, while it drains, may end the drain.
/// </summary>
internal sealed class NodeAsyncRoom(NodeRoom room, Action filled, Action released) : IAsyncCallRoom
{
    public bool HasRoom => room.HasRoom;

    public bool TryTake()
    {
        if (!room.TryTake())
        {
            return false;
        }

        if (room.InFlight >= room.Capacity)
        {
            filled();
        }

        return true;
    }

    public void Release()
    {
        room.Release();
        released();
    }
}
