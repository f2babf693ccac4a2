namespace DroneScan.Pipeline.Detect;

/// <summary>
/// Bounds the work on one photo (metadata, georeferencing, decoding) in wall-clock time, so that a crafted file
/// that sends a parser into a very long loop costs that photo, not the flight. The work runs on a pool thread;
/// at the limit its token is cancelled (ImageSharp's decoders stop at the next row) and the caller goes on at
/// once. A result that still arrives late is handed to <c>discardLate</c> (e.g. to dispose a decoded image).
/// </summary>
internal static class PhotoTimeLimit
{
    /// <summary>False when <paramref name="limit"/> passed first. The work must not touch state shared with the
    /// caller: after a timeout it may still be running while the caller moves on to the next photo.</summary>
    public static bool TryRun<T>(Func<CancellationToken, T> work, TimeSpan limit, Action<T> discardLate, CancellationToken cancellationToken, out T result)
    {
        if (limit <= TimeSpan.Zero || limit == Timeout.InfiniteTimeSpan)
        {
            result = work(cancellationToken);
            return true;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var task = Task.Run(() => work(token), CancellationToken.None);
        try
        {
            result = task.WaitAsync(limit, cancellationToken).GetAwaiter().GetResult();
            stop.Dispose();
            return true;
        }
        catch (TimeoutException)
        {
            stop.Cancel();
            _ = task.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        discardLate(t.Result);
                    }
                    else
                    {
                        _ = t.Exception; // observed: the photo has already been reported as a timeout
                    }

                    stop.Dispose();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            result = default!;
            return false;
        }
    }

    /// <summary>The message of a <c>timeout</c> failure.</summary>
    public static string Message(TimeSpan limit) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"reading and decoding took longer than the {limit.TotalSeconds:0.###} s per-photo limit; the photo was left out");
}
