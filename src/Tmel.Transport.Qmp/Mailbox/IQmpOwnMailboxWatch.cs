namespace Tmel.Transport.Qmp;

/// <summary>
/// A mailbox that checks its own mailbox for writes by anybody else (a shared window another process can scribble on), clears
/// it when it finds one, and tells the link that drives it, which must then start over: its state and its word no longer
/// match what the peer reads.
/// </summary>
internal interface IQmpOwnMailboxWatch
{
    /// <summary>Sets who hears that the own mailbox was found overwritten and cleared; called on a timer thread.</summary>
    Action? OwnMailboxCleared { set; }
}
