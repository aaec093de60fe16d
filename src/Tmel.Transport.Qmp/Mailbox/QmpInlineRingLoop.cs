namespace Tmel.Transport.Qmp;

/// <summary>
/// One thread's inline rings: the handler running now, the doorbells rung meanwhile (handled after it, in order), and the
/// actors kept between their rings.
/// </summary>
internal sealed class QmpInlineRingLoop
{
    // The doorbells rung while a handler runs, in order; rings of one collapse. For one window that is at most the other
    // side's doorbell, so the first waits in a field and only a thread that serves several windows uses the queue.
    private readonly Queue<QmpDoorbell> _more = new();

    // The handlers whose actors this thread keeps, in any order: for one window at most the two sides. Held in a struct so a
    // store into the array needs no covariance check.
    private Kept[] _kept = new Kept[2];
    private int _keptCount;
    private QmpDoorbell? _next;
    private bool _running;

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
            while (true)
            {
                while (_next is { } next)
                {
                    _next = _more.Count > 0 ? _more.Dequeue() : null;
                    next.Handle(this);
                }

                if (_keptCount == 0)
                {
                    break;
                }

                // No ring left: let the kept actors go. Work posted to one meanwhile runs now, and its rings go on with the loop.
                TakeLast().LetGo(runPostedOn: this);
            }
        }
        finally
        {
            // Only a handler that threw leaves rings or kept actors here: the rings wake their waiters and the kept actors'
            // posted work goes to the thread pool, so nothing is lost.
            _running = false;
            LetKeptGo();
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

    /// <summary>Keeps <paramref name="handler"/>'s actor and queues <paramref name="peer"/>'s ring; false (and nothing
    /// done) when this thread handles no inline ring now.</summary>
    public bool TryKeepAndRing(IQmpInlineRingHandler handler, QmpDoorbell peer)
    {
        if (!_running)
        {
            return false;
        }

        if (_keptCount == _kept.Length)
        {
            Array.Resize(ref _kept, _kept.Length * 2);
        }

        _kept[_keptCount++].Handler = handler;
        Ring(peer);
        return true;
    }

    /// <summary>Whether this thread kept <paramref name="handler"/>'s actor; if so it is handed back with this ring.</summary>
    public bool TakeBack(IQmpInlineRingHandler handler)
    {
        for (int i = 0; i < _keptCount; i++)
        {
            if (ReferenceEquals(_kept[i].Handler, handler))
            {
                _kept[i] = _kept[--_keptCount];
                _kept[_keptCount] = default;
                return true;
            }
        }

        return false;
    }

    /// <summary>Lets go of every kept actor before this thread runs other code; work posted to one meanwhile goes to the thread pool.</summary>
    public void LetKeptGo()
    {
        while (_keptCount > 0)
        {
            TakeLast().LetGo(runPostedOn: null);
        }
    }

    private IQmpInlineRingHandler TakeLast()
    {
        IQmpInlineRingHandler handler = _kept[--_keptCount].Handler!;
        _kept[_keptCount] = default;
        return handler;
    }

    private struct Kept
    {
        public IQmpInlineRingHandler? Handler;
    }
}
