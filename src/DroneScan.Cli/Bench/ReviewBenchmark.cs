using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Imaging.Pixels;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Cli.Bench;

/// <summary>What the review benchmark runs on.</summary>
internal sealed record ReviewBenchOptions
{
    public required string DataDir { get; init; }

    /// <summary>sqlite or postgres.</summary>
    public string Database { get; init; } = "sqlite";

    /// <summary>PostgreSQL: the connection string of an empty database; SQLite: unused (the file is in the data folder).</summary>
    public string? Connection { get; init; }

    public required string CacheFolder { get; init; }

    public int Flights { get; init; } = 100;

    public int HazardsPerFlight { get; init; } = 5000;

    public int PhotosPerFlight { get; init; } = 25;

    public int ObservationsPerHazard { get; init; } = 2;

    /// <summary>Review actions timed.</summary>
    public int Actions { get; init; } = 200;

    /// <summary>Flights the actions are spread over.</summary>
    public int ReviewFlights { get; init; } = 10;

    /// <summary>Runs of each old (before) path timed: they are slow.</summary>
    public int BaselineRuns { get; init; } = 3;

    public string? ModelPath { get; init; }
}

/// <summary>One measured operation: every sample, milliseconds.</summary>
internal sealed record Timing(string Name, IReadOnlyList<double> Ms)
{
    public double Median => Percentile(0.5);

    public double P95 => Percentile(0.95);

    private double Percentile(double q)
    {
        if (Ms.Count == 0)
        {
            return double.NaN;
        }

        var sorted = Ms.Order().ToList();
        double rank = q * (sorted.Count - 1);
        int low = (int)Math.Floor(rank);
        int high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }
}

/// <summary>
/// The review benchmark (<c>dronescan bench review</c>): seeds <see cref="ReviewBenchOptions.Flights"/> flights of
/// <see cref="ReviewBenchOptions.HazardsPerFlight"/> hazard points, starts the web service on them (no job server), and
/// times over HTTP on loopback, as the review page does it, a review action: the decision (<c>POST
/// /api/hazards/{id}/review</c>), then the next point of the queue (<c>GET /api/hazards/{id}</c> and its
/// <c>/reviews</c>) and each of its chips. Chips are timed warm (the photo's tile file written, as the page's look-ahead
/// leaves it) and cold (the photo's first chip: decode and tile file). In the same run, for the ratios, the paths they
/// replace, called the way the service called them before: a point found by loading every flight's points, a
/// review followed by an areas rebuild from all of the flight's points, a chip cut from the whole decoded photo.
/// </summary>
internal static class ReviewBenchmark
{
    public static async Task<IReadOnlyList<Timing>> RunAsync(ReviewBenchOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var seed = new ReviewBenchSeed(options.Flights, options.HazardsPerFlight, options.PhotosPerFlight, options.ObservationsPerHazard);
        string photo = ReviewBenchSeed.EnsurePhoto(options.CacheFolder);
        await using var app = DroneScanWebApp.Build(
            new HostSettings { Urls = "http://127.0.0.1:0", DataDir = options.DataDir, Database = options.Database, Connection = options.Connection, ModelPath = options.ModelPath },
            runJobs: false);
        var store = app.Services.GetRequiredService<IFlightStore>();
        var jobs = app.Services.GetRequiredService<IFlightJobStore>();
        string flightsRoot = Path.Combine(options.DataDir, "flights");

        log($"Seeding {options.Flights} flights × {options.HazardsPerFlight} hazard points ({options.ObservationsPerHazard} observations each, {options.PhotosPerFlight} photos a flight) on {options.Database} …");
        double first = seed.SeedFirst(store, jobs, flightsRoot, photo);
        double rest = seed.CopyOthers(() => Open(options), flightsRoot, photo, log);
        log($"  first flight through the store API {first:F1} s, the other {options.Flights - 1} by bulk SQL {rest:F1} s");

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string token = app.Services.GetRequiredService<UserAdmin>().Create("bench-analyst", [Roles.Analyst, Roles.Planner]).Token;
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await MeasureAsync(options, seed, store, http, photo, log, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyList<Timing>> MeasureAsync(
        ReviewBenchOptions options, ReviewBenchSeed seed, IFlightStore store, HttpClient http, string photo, Action<string> log, CancellationToken cancellationToken)
    {
        string flightsRoot = Path.Combine(options.DataDir, "flights");
        var random = new Random(11);
        var action = new List<double>();
        var decide = new List<double>();
        var next = new List<double>();
        var chipWarm = new List<double>();
        var chipCold = new List<double>();
        var queueFirst = new List<double>();
        var queueDeep = new List<double>();
        string[] decisions = ["confirm", "reject", "confirm", "reject", "unsure"];

        // Warm-up, not timed (JIT, connection pools, the areas rebuild's code): a queue page, a reject and its undo on
        // the last flight's weakest point (the actions below review the strongest points first).
        await GetAsync(http, "api/hazards/queue?limit=5", cancellationToken).ConfigureAwait(false);
        var weakest = await GetAsync(http, $"api/hazards/queue?flight={seed.FlightIds[^1]}&order=asc&limit=1", cancellationToken).ConfigureAwait(false);
        string warmId = weakest.GetProperty("items")[0].GetProperty("id").GetString()!;
        foreach (string decision in new[] { "reject", "unsure" })
        {
            (await http.PostAsJsonAsync($"api/hazards/{warmId}/review", new { decision }, cancellationToken).ConfigureAwait(false)).EnsureSuccessStatusCode();
        }

        log($"Timing {options.Actions} review actions …");
        // Actions spread over up to ReviewFlights flights (each flight's photos get tile files as the review goes).
        int reviewFlights = Math.Min(options.ReviewFlights, options.Flights);
        int perFlight = (options.Actions + reviewFlights - 1) / reviewFlights;
        int done = 0;
        foreach (string flightId in seed.FlightIds.OrderBy(_ => random.Next()))
        {
            if (done >= options.Actions)
            {
                break;
            }

            // The queue as the review page opens it: the flight's candidates, first page, with its total.
            var clock = Stopwatch.StartNew();
            var page = await GetAsync(http, $"api/hazards/queue?flight={flightId}&status=candidate&limit=200", cancellationToken).ConfigureAwait(false);
            queueFirst.Add(clock.Elapsed.TotalMilliseconds);
            var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();

            // A page deep in the queue: the cursor of a point half-way down, then one page after it.
            var middle = store.GetHazardPage(new HazardQuery { FlightId = flightId, Status = HazardStatus.Candidate, After = null, Limit = options.HazardsPerFlight / 2 }).Items[^1];
            string cursor = Uri.EscapeDataString(middle.Hazard.Point.MaxConfidence.ToString("R", CultureInfo.InvariantCulture) + "~" + middle.Hazard.Point.Id);
            clock.Restart();
            await GetAsync(http, $"api/hazards/queue?flight={flightId}&status=candidate&limit=200&after={cursor}", cancellationToken).ConfigureAwait(false);
            queueDeep.Add(clock.Elapsed.TotalMilliseconds);

            for (int i = 0; i + 1 < ids.Count && i < perFlight && done < options.Actions; i++, done++)
            {
                // The page's look-ahead: the next point's chips are asked for while the analyst looks at this one.
                var nextPoint = await GetAsync(http, "api/hazards/" + ids[i + 1], cancellationToken).ConfigureAwait(false);
                foreach (var (url, photoId) in ChipUrls(nextPoint))
                {
                    bool cold = !File.Exists(Path.Combine(flightsRoot, flightId, ".chips", photoId + ".tiles"));
                    clock.Restart();
                    await GetBytesAsync(http, url, cancellationToken).ConfigureAwait(false);
                    if (cold)
                    {
                        chipCold.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }

                string decision = decisions[random.Next(decisions.Length)];
                clock.Restart();
                var sent = await http.PostAsJsonAsync($"api/hazards/{ids[i]}/review", new { decision, comment = "bench" }, cancellationToken).ConfigureAwait(false);
                sent.EnsureSuccessStatusCode();
                double decideMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var shown = await GetAsync(http, "api/hazards/" + ids[i + 1], cancellationToken).ConfigureAwait(false);
                await GetAsync(http, $"api/hazards/{ids[i + 1]}/reviews", cancellationToken).ConfigureAwait(false);
                double nextMs = clock.Elapsed.TotalMilliseconds;
                double chipsMs = 0;
                foreach (var (url, _) in ChipUrls(shown))
                {
                    clock.Restart();
                    await GetBytesAsync(http, url, cancellationToken).ConfigureAwait(false);
                    double ms = clock.Elapsed.TotalMilliseconds;
                    chipWarm.Add(ms);
                    chipsMs += ms;
                }

                decide.Add(decideMs);
                next.Add(nextMs);
                action.Add(decideMs + nextMs + chipsMs);
            }
        }

        log($"Timing the paths replaced ({options.BaselineRuns} runs each) …");
        var oldFind = new List<double>();
        var oldReview = new List<double>();
        var oldChip = new List<double>();
        for (int run = 0; run < options.BaselineRuns; run++)
        {
            // A point of the last flight the old lookup reaches: every flight's points are loaded before it is found.
            string flightId = store.GetFlights().Where(f => f.Hazards > 0).Last().Flight.Id;
            string wanted = store.GetHazardPage(new HazardQuery { FlightId = flightId, Limit = 1 + run }).Items[^1].Hazard.Point.Id;
            var clock = Stopwatch.StartNew();
            OldFind(store, wanted);
            oldFind.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            var review = store.AddReview(wanted, run % 2 == 0 ? ReviewDecision.Reject : ReviewDecision.Confirm, null, "bench", "bench-analyst");
            store.ReplaceAreas(review.FlightId, hazards => SuggestedAreas.BuildReviewed(hazards, 5));
            oldReview.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            using (var image = PhotoDecoder.LoadOriented(photo, cancellationToken: cancellationToken))
            {
                image.Mutate(c => c.Crop(new Rectangle(1000 + (run * 300), 1000, 180, 180)));
                using var output = new MemoryStream();
                image.SaveAsJpeg(output);
            }

            oldChip.Add(clock.Elapsed.TotalMilliseconds);
        }

        return
        [
            new("review action (decide + next point + its chips, warm)", action),
            new("  decide (POST review)", decide),
            new("  next point (GET point + its reviews)", next),
            new("chip, tile file present", chipWarm),
            new("chip, photo's first (decode + tile file)", chipCold),
            new("queue, first page (200, with total)", queueFirst),
            new("queue, page half-way down (keyset)", queueDeep),
            new("before: point by id (all flights' points loaded)", oldFind),
            new("before: review + areas rebuilt from all points", oldReview),
            new("before: chip from the whole decoded photo", oldChip),
        ];
    }

    /// <summary>The hazard lookup the service used before: each flight's points loaded until the id turns up.</summary>
    private static ReviewedHazard OldFind(IFlightStore store, string id)
    {
        foreach (var flight in store.GetFlights().Where(f => f.Hazards > 0))
        {
            if (store.GetHazards(flight.Flight.Id).FirstOrDefault(h => h.Point.Id == id) is { } hazard)
            {
                return hazard;
            }
        }

        throw new KeyNotFoundException(id);
    }

    private static IEnumerable<(string Url, string PhotoId)> ChipUrls(JsonElement hazard)
    {
        string flightId = hazard.GetProperty("flightId").GetString()!;
        foreach (var o in hazard.GetProperty("observations").EnumerateArray())
        {
            string Num(string name) => o.GetProperty(name).GetDouble().ToString("R", CultureInfo.InvariantCulture);
            string photoId = o.GetProperty("photoId").GetString()!;
            yield return ($"api/photos/{photoId}/chip?flight={flightId}&x1={Num("x1")}&y1={Num("y1")}&x2={Num("x2")}&y2={Num("y2")}", photoId);
        }
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task GetBytesAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }

        await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbConnection Open(ReviewBenchOptions options)
    {
        DbConnection connection = options.Database == "postgres"
            ? new Npgsql.NpgsqlConnection(options.Connection)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(options.DataDir, "dronescan.db")}");
        connection.Open();
        return connection;
    }
}
