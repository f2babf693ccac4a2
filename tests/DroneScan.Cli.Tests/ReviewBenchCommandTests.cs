namespace DroneScan.Cli.Tests;

/// <summary><c>dronescan bench review</c> runs end to end on a tiny size (its timings are not checked: they are the
/// benchmark's business, on a quiet machine).</summary>
public sealed class ReviewBenchCommandTests
{
    [Fact]
    public void BenchReview_OnATinyStore_PrintsEveryOperationWithSamples()
    {
        string cache = Directory.CreateTempSubdirectory("dronescan-review-bench-cache-").FullName;
        try
        {
            var run = CliRun.Of("bench", "review", "--flights", "2", "--hazards", "30", "--photos", "3", "--actions", "4",
                "--review-flights", "1", "--baseline-runs", "1", "--cache", cache);

            Assert.True(run.ExitCode == 0, run.Error);
            foreach (string operation in new[] { "review action", "decide (POST", "next point", "chip, tile file present", "queue, first page", "before: point by id" })
            {
                var line = run.Output.Split('\n').Single(l => l.TrimStart().StartsWith(operation, StringComparison.Ordinal));
                Assert.DoesNotContain("NaN", line, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
