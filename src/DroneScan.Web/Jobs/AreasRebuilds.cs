using System.Collections.Concurrent;
using System.Threading.Channels;
using Hangfire;

namespace DroneScan.Web.Jobs;

/// <summary>
/// Hands the rebuild of a flight's suggested areas (<see cref="FlightJobs.RebuildAreas"/>) to the job store off the
/// request path: a review only records that its flight needs one (<see cref="Request"/>, no IO), and this service
/// enqueues the job. Enqueueing costs a transaction in the job store (on PostgreSQL a few hundred milliseconds at the
/// tail), which a review action must not wait for. Requests for a flight already waiting are one job; a job store that
/// refuses is tried again (<see cref="Attempts"/>), then logged. The areas stay as they were until the job has run, and
/// an areas export rebuilds them first anyway, so a lost request (a process stopped before it was enqueued) leaves no
/// export wrong.
/// </summary>
public sealed partial class AreasRebuilds(IBackgroundJobClient jobs, ILogger<AreasRebuilds> logger) : BackgroundService
{
    private readonly Channel<string> _flights = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _waiting = new(StringComparer.Ordinal);

    /// <summary>How often an enqueue the job store refuses is tried in all.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The pause before the next try, times the number of tries so far.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Asks for a rebuild of <paramref name="flightId"/>'s areas; returns at once.</summary>
    public void Request(string flightId)
    {
        ArgumentException.ThrowIfNullOrEmpty(flightId);
        if (_waiting.TryAdd(flightId, 0))
        {
            _flights.Writer.TryWrite(flightId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var flightId in _flights.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await EnqueueAsync(flightId, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still waiting gets one try each, so a clean shutdown loses nothing.
            while (_flights.Reader.TryRead(out var flightId))
            {
                await EnqueueAsync(flightId, CancellationToken.None, once: true).ConfigureAwait(false);
            }
        }
    }

    private async Task EnqueueAsync(string flightId, CancellationToken cancellationToken, bool once = false)
    {
        // Out of the waiting set before the job is created: a review after this point asks for a later job, which
        // then sees it (the job reads the reviews when it runs).
        _waiting.TryRemove(flightId, out _);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                jobs.Enqueue<FlightJobs>(j => j.RebuildAreas(flightId));
                return;
            }
            catch (BackgroundJobClientException e) when (!once && attempt < Attempts)
            {
                LogRetry(logger, e, flightId, attempt);
                await Task.Delay(RetryDelay * attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (BackgroundJobClientException e)
            {
                LogNotQueued(logger, e, flightId);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The job store refused the areas rebuild of flight {FlightId} (try {Attempt}); trying again")]
    private static partial void LogRetry(ILogger logger, Exception exception, string flightId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The areas rebuild of flight {FlightId} could not be queued; its suggested areas stay as they were until the next rebuild or areas export")]
    private static partial void LogNotQueued(ILogger logger, Exception exception, string flightId);
}
