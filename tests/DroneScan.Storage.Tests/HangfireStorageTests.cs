using DroneScan.Core.Flights;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace DroneScan.Storage.Tests;

/// <summary>The scale-out job queue: Hangfire.PostgreSql on the repo's one Npgsql version, against the test server.</summary>
public sealed class HangfireStorageTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public void EnqueuedJob_IsVisible_ThroughTheMonitoringApi()
    {
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(server.ConnectionString, options), options);
        var client = new BackgroundJobClient(storage);

        string jobId = client.Enqueue(() => ScanJobProbe.ScanPhoto("fl-3fa85f64a1b2", "abc123"));

        var monitoring = storage.GetMonitoringApi();
        Assert.Equal(1, monitoring.EnqueuedCount("default"));
        var details = monitoring.JobDetails(jobId);
        Assert.Equal(nameof(ScanJobProbe.ScanPhoto), details.Job.Method.Name);
        Assert.Equal(["fl-3fa85f64a1b2", "abc123"], details.Job.Args);
    }
}

/// <summary>A job method as the workers will have: ids in, nothing kept.</summary>
public static class ScanJobProbe
{
    public static void ScanPhoto(string flightId, string photoId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(flightId);
        ArgumentException.ThrowIfNullOrWhiteSpace(photoId);
    }
}
