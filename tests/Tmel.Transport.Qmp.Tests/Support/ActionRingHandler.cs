namespace Tmel.Transport.Qmp.Tests.Support;

/// <summary>An inline ring handler that runs an action per ring and keeps nothing.</summary>
internal sealed class ActionRingHandler(Action onRing) : IQmpInlineRingHandler
{
    public void OnInlineRing(QmpInlineRingLoop loop, bool kept)
    {
        Assert.False(kept, "This handler never asks to be kept.");
        onRing();
    }

    public void LetGo(QmpInlineRingLoop? runPostedOn) => Assert.Fail("This handler never asks to be kept.");
}
