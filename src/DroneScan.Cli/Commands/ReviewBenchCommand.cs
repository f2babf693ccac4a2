using System.CommandLine;
using System.Globalization;
using DroneScan.Cli.Bench;

namespace DroneScan.Cli.Commands;

/// <summary><c>dronescan bench review</c>: the review benchmark (<see cref="ReviewBenchmark"/>).</summary>
internal static class ReviewBenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var flights = new Option<int>("--flights") { Description = "Flights seeded", DefaultValueFactory = _ => 100, HelpName = "N" };
        var hazards = new Option<int>("--hazards") { Description = "Hazard points per flight", DefaultValueFactory = _ => 5000, HelpName = "N" };
        var photos = new Option<int>("--photos") { Description = "Photos per flight (links to one generated 20-MP JPEG)", DefaultValueFactory = _ => 25, HelpName = "N" };
        var observations = new Option<int>("--observations") { Description = "Photos each point is seen in (chips per point)", DefaultValueFactory = _ => 2, HelpName = "N" };
        var actions = new Option<int>("--actions") { Description = "Review actions timed", DefaultValueFactory = _ => 200, HelpName = "N" };
        var reviewFlights = new Option<int>("--review-flights") { Description = "Flights the actions are spread over", DefaultValueFactory = _ => 10, HelpName = "N" };
        var baseline = new Option<int>("--baseline-runs") { Description = "Runs of each replaced (before) path timed", DefaultValueFactory = _ => 3, HelpName = "N" };
        var database = new Option<string>("--database") { Description = "sqlite or postgres", DefaultValueFactory = _ => "sqlite", HelpName = "sqlite|postgres" };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL: connection string of an empty database", HelpName = "STR" };
        var data = new Option<string?>("--data") { Description = "Data folder (default: a new temporary folder, deleted at the end)", HelpName = "DIR" };
        var cache = new Option<string?>("--cache") { Description = "Folder the generated photo is kept in (default: dronescan-bench in the temp folder)", HelpName = "DIR" };
        foreach (var option in new[] { flights, hazards, photos, observations, actions, reviewFlights, baseline })
        {
            CliChecks.AtLeast(option, 1);
        }

        var command = new Command("review", "Measure review at scale: a review action (decide, next point, its chips) and a chip, over HTTP, on many seeded flights")
        {
            flights, hazards, photos, observations, actions, reviewFlights, baseline, database, connection, data, cache,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string provider = parse.GetValue(database)!.Trim().ToLowerInvariant();
            if (provider is not ("sqlite" or "postgres") || (provider == "postgres" && string.IsNullOrWhiteSpace(parse.GetValue(connection))))
            {
                error.WriteLine("--database takes sqlite or postgres; postgres needs --connection with an empty database");
                return 1;
            }

            string? given = parse.GetValue(data);
            if (given is not null && Directory.Exists(given) && Directory.EnumerateFileSystemEntries(given).Any())
            {
                error.WriteLine($"{given}: the data folder must be new or empty");
                return 1;
            }

            // The service's request log would drown the report.
            Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
            string dataDir = given ?? Directory.CreateTempSubdirectory("dronescan-review-bench-").FullName;
            var options = new ReviewBenchOptions
            {
                DataDir = dataDir, Database = provider, Connection = parse.GetValue(connection),
                CacheFolder = parse.GetValue(cache) ?? Path.Combine(Path.GetTempPath(), "dronescan-bench"),
                Flights = parse.GetValue(flights), HazardsPerFlight = parse.GetValue(hazards), PhotosPerFlight = parse.GetValue(photos),
                ObservationsPerHazard = parse.GetValue(observations), Actions = parse.GetValue(actions), ReviewFlights = parse.GetValue(reviewFlights),
                BaselineRuns = parse.GetValue(baseline), ModelPath = DefaultModel.Find(),
            };
            try
            {
                var timings = await ReviewBenchmark.RunAsync(options, output.WriteLine, cancellationToken).ConfigureAwait(false);
                output.WriteLine();
                output.WriteLine($"{"operation",-58} {"n",5} {"median ms",10} {"p95 ms",10}");
                foreach (var t in timings)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Name,-58} {t.Ms.Count,5} {t.Median,10:F1} {t.P95,10:F1}"));
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average {File.ReadAllText("/proc/loadavg").Trim()}"));
                return 0;
            }
            catch (InvalidOperationException e)
            {
                // A request the service refused, or a store that would not open: the benchmark's result is this message.
                error.WriteLine(e.Message);
                return 1;
            }
            finally
            {
                if (given is null)
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    Directory.Delete(dataDir, recursive: true);
                }
            }
        });
        return command;
    }
}
