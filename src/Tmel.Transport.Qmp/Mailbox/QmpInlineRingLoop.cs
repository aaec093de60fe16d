namespace Tmel.Transport.Qmp;

/// <summary>
/// One thread's inline rings: the handler running now, the doorbells rung meanwhile (handled after it, in order), and the
/// actors kept between their rings.
/// </summary>
/// <remarks>
/// A kept actor is marked on its side's doorbell (the one its peer rings) with this loop's id, so the ring that hands it back
/// finds it with one comparison, and no list changes per turn. Only the thread that owns the actor writes the mark (keeping
/// needs the actor, handing back and letting go end the keeping), and another loop's id never matches. The doorbells this
/// loop marked since it started are listed, so it can let them all go; the list is cleared when the loop ends.
/// </remarks>
internal sealed class QmpInlineRingLoop
{
    /// <summary>How many doorbells the list holds before it drops those not kept now (a doorbell kept by several threads in
    /// turn can be listed again).</summary>
    private const int MarkedBeforeCompaction = 16;

    private static int s_lastId;

    // The doorbells rung while a handler runs, in order; rings of one collapse. For one window that is at most the other
    // side's doorbell, so the first waits in a field and only a thread that serves several windows uses the queue.
    private readonly Queue<QmpDoorbell> _more = new();

    // The doorbells whose actor this loop kept since it started, and how many actors it keeps now.
    private readonly List<QmpDoorbell> _marked = new(2);
    private int _keptNow;
    private QmpDoorbell? _next;
    private bool _running;

    /// <summary>Gets this loop's mark: unique among loops, never 0.</summary>
    public int Id { get; } = Interlocked.Increment(ref s_lastId);

    /// <summary>Gets how many doorbells the loop lists now (for tests: the list stays bounded).</summary>
    internal int MarkedCount => _marked.Count;

    public void Ring(QmpDoorbell doorbell)
    {
        if (_running)
        {
            if (_next is null)
            {
                _next = doorbell;
            }
            else if (_next != doorbell && !_more.Contains(doorbell))
            {
                _more.Enqueue(doorbell);
            }

            return;
        }

        _running = true;
        try
        {
            doorbell.Handle(this);
            HandleRings();
        }
        finally
        {
            // Only a handler that threw leaves rings or kept actors here: the rings wake their waiters and the kept actors'
            // posted work goes to the thread pool, so nothing is lost.
            _running = false;
            LetKeptGo();
            Unmark(_marked.Count);
            if (_next is { } left)
            {
                _next = null;
                left.WakeWaiter();
                while (_more.Count > 0)
                {
                    _more.Dequeue().WakeWaiter();
                }
            }
        }
    }

    /// <summary>Keeps <paramref name="handler"/>'s actor, whose side <paramref name="own"/> is, and queues <paramref name="peer"/>'s
    /// ring; false (and nothing done) when this thread handles no inline ring now.</summary>
    public bool TryKeepAndRing(QmpDoorbell own, IQmpInlineRingHandler handler, QmpDoorbell peer)
    {
        if (!_running)
        {
            return false;
        }

        if (own.MarkedBy != Id)
        {
            if (_marked.Count >= MarkedBeforeCompaction)
            {
                DropNotKept();
            }

            own.MarkedBy = Id;
            _marked.Add(own);
        }

        if (!ReferenceEquals(own.KeptHandler, handler))
        {
            own.KeptHandler = handler;
        }

        own.KeptBy = Id;
        _keptNow++;
        Ring(peer);
        return true;
    }

    /// <summary>Whether this loop kept the actor of <paramref name="own"/>'s side; if so it is handed back with this ring.</summary>
    public bool TakeBack(QmpDoorbell own)
    {
        if (own.KeptBy != Id)
        {
            return false;
        }

        own.KeptBy = 0;
        _keptNow--;
        return true;
    }

    /// <summary>Lets go of every kept actor before this thread runs other code; work posted to one meanwhile goes to the thread pool.</summary>
    public void LetKeptGo()
    {
        while (_keptNow > 0)
        {
            TakeAKept().LetGo(runPostedOn: null);
        }
    }

    /// <summary>The rings waiting, in order, and then the kept actors: work posted to one meanwhile runs now, and its rings go
    /// on with the loop.</summary>
    /// <remarks>A method of its own, without the caller's try/finally, so the runtime's tiered compiler optimizes it with its
    /// profile.</remarks>
    private void HandleRings()
    {
        while (true)
        {
            while (_next is { } next)
            {
                _next = _more.Count > 0 ? _more.Dequeue() : null;
                next.Handle(this);
            }

            if (_keptNow == 0)
            {
                return;
            }

            TakeAKept().LetGo(runPostedOn: this);
        }
    }

    private IQmpInlineRingHandler TakeAKept()
    {
        foreach (QmpDoorbell marked in _marked)
        {
            if (marked.KeptBy == Id)
            {
                // Kept by this loop, so nobody else wrote the handler since this loop kept it.
                marked.KeptBy = 0;
                _keptNow--;
                return marked.KeptHandler!;
            }
        }

        throw new InvalidOperationException("The inline ring loop counts a kept actor that no doorbell marks.");
    }

    /// <summary>Keeps in the list only the doorbells kept now, once each. Nobody else writes the mark of a doorbell this loop
    /// keeps (keeping needs the actor).</summary>
    private void DropNotKept()
    {
        int count = _marked.Count;
        foreach (QmpDoorbell marked in _marked)
        {
            if (marked.MarkedBy == Id)
            {
                marked.MarkedBy = 0;
            }
        }

        for (int i = 0; i < count; i++)
        {
            QmpDoorbell marked = _marked[i];
            if (marked.KeptBy == Id && marked.MarkedBy != Id)
            {
                marked.MarkedBy = Id;
                _marked.Add(marked);
            }
        }

        _marked.RemoveRange(0, count);
    }

    /// <summary>Takes the first <paramref name="count"/> doorbells off the list, and this loop's mark off them.</summary>
    private void Unmark(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (_marked[i].MarkedBy == Id)
            {
                // Another loop may mark it meanwhile (after this loop let it go): then this write can clear that mark, and that
                // loop lists it once more if it keeps it again; a doorbell listed twice is harmless.
                _marked[i].MarkedBy = 0;
            }
        }

        _marked.RemoveRange(0, count);
    }
}
