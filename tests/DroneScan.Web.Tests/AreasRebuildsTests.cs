using System.Collections.Concurrent;
using DroneScan.Web.Jobs;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;

namespace DroneScan.Web.Tests;

/// <summary>A review's areas rebuild is enqueued off the request path: requests for a flight still waiting are one job,
/// a job store that refuses is tried again, and one flight's failure does not hold back the next.</summary>
public sealed class AreasRebuildsTests
{
    /// <summary>A job client that records each created job (method and flight) and can refuse the first N.</summary>
    private sealed class RecordingJobClient(int refuse = 0) : IBackgroundJobClient
    {
        private int _refused;

        public BlockingCollection<string> Created { get; } = [];

        public string Create(Job job, IState state)
        {
            if (Interlocked.Increment(ref _refused) <= refuse)
            {
                throw new BackgroundJobClientException("job store busy", new InvalidOperationException("locked"));
            }

            Created.Add($"{job.Method.Name}({job.Args[0]})");
            return Guid.NewGuid().ToString("N");
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => throw new NotSupportedException();
    }

    private static string Next(RecordingJobClient client) =>
        client.Created.TryTake(out var job, TimeSpan.FromSeconds(30)) ? job : throw new TimeoutException("no job was created");

    [Fact]
    public async Task RequestsForAWaitingFlight_AreOneJob_AndALaterRequestIsAnother()
    {
        var client = new RecordingJobClient();
        using var rebuilds = new AreasRebuilds(client, NullLogger<AreasRebuilds>.Instance);
        rebuilds.Request("fl-a");
        rebuilds.Request("fl-a");
        rebuilds.Request("fl-b");
        rebuilds.Request("fl-a");

        await rebuilds.StartAsync(CancellationToken.None);
        Assert.Equal("RebuildAreas(fl-a)", Next(client));
        Assert.Equal("RebuildAreas(fl-b)", Next(client));

        rebuilds.Request("fl-a");
        Assert.Equal("RebuildAreas(fl-a)", Next(client));
        await rebuilds.StopAsync(CancellationToken.None);
        Assert.Empty(client.Created);
    }

    [Fact]
    public async Task ARefusingJobStore_IsTriedAgain_AndAFlightThatNeverGoesInDoesNotHoldBackTheNext()
    {
        var client = new RecordingJobClient(refuse: 4);
        using var rebuilds = new AreasRebuilds(client, NullLogger<AreasRebuilds>.Instance) { Attempts = 3, RetryDelay = TimeSpan.Zero };
        rebuilds.Request("fl-lost");     // refused three times: logged, given up
        rebuilds.Request("fl-next");     // refused once, then created

        await rebuilds.StartAsync(CancellationToken.None);

        Assert.Equal("RebuildAreas(fl-next)", Next(client));
        await rebuilds.StopAsync(CancellationToken.None);
        Assert.Empty(client.Created);
    }
}
