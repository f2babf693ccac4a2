using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DroneScan.Core.Flights;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;
using DroneScan.Core.Detection;
using NetTopologySuite.Geometries;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Cli.Bench;

/// <summary>
/// The data of the review benchmark: the first flight written through the store's own API (photos with their
/// detections, hazard points, coverage, suggested areas, photo tasks), the others copied from it with bulk
/// <c>INSERT … SELECT</c> under new flight and hazard ids (the same statements on SQLite and PostgreSQL). Every flight's
/// photos are links to one generated 20-MP JPEG, under the photo ids the detections name.
/// </summary>
internal sealed class ReviewBenchSeed(int flights, int hazardsPerFlight, int photosPerFlight, int observationsPerHazard)
{
    public const int PhotoWidth = 5472;
    public const int PhotoHeight = 3648;

    /// <summary>Flight ids, the first one seeded through the store API.</summary>
    public IReadOnlyList<string> FlightIds { get; } = [.. Enumerable.Range(1, flights).Select(i => "fl-" + (0xbe0000000000L + i).ToString("x12", CultureInfo.InvariantCulture))];

    public static string PhotoId(int n) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("bench-photo-" + n)));

    public static string RelativePath(int n) => $"photos/IMG_{n:0000}.JPG";

    /// <summary>A noisy 20-MP JPEG (quality 90: ≈ 8 MB, decoded in about the time of a real survey photo), made once.</summary>
    public static string EnsurePhoto(string cacheFolder)
    {
        string path = Path.Combine(cacheFolder, $"review-bench-{PhotoWidth}x{PhotoHeight}.jpg");
        if (File.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(cacheFolder);
        using var image = new Image<Rgb24>(PhotoWidth, PhotoHeight);
        var random = new Random(1);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    // Soil-like texture: a slow gradient plus noise.
                    int g = 90 + ((x + y) % 512 / 8) + random.Next(-12, 13);
                    row[x] = new Rgb24((byte)Math.Clamp(g + 30, 0, 255), (byte)Math.Clamp(g + 10, 0, 255), (byte)Math.Clamp(g - 20, 0, 255));
                }
            }
        });
        string temporary = path + ".tmp";
        image.SaveAsJpeg(temporary, new JpegEncoder { Quality = 90 });
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>Writes the first flight through the store API and links its photos into the flight folder.</summary>
    /// <returns>Seconds taken.</returns>
    public double SeedFirst(IFlightStore store, IFlightJobStore jobs, string flightsRoot, string photoFile)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string flightId = FlightIds[0];
        store.UpsertFlight(new FlightDefinition(flightId, "bench-001", null, "bench-site"));
        jobs.QueuePhotos(flightId, [.. Enumerable.Range(0, photosPerFlight).Select(n => new QueuedPhoto(PhotoId(n), RelativePath(n), Done: true))]);
        long run = store.StartRun(new RunStart(flightId, "bench", "0", new string('0', 64), "{}"));

        // Each hazard point is seen in observationsPerHazard photos; detection k of a photo belongs to one point.
        var random = new Random(7);
        var origin = new GeoPoint(48.1, 37.2);
        var observations = Enumerable.Range(0, photosPerFlight).Select(_ => new List<Observation>()).ToList();
        var hazards = new List<HazardPoint>(hazardsPerFlight);
        for (int h = 0; h < hazardsPerFlight; h++)
        {
            // 5000 points over about 400 m × 400 m.
            var position = new GeoPoint(origin.LatitudeDeg + (random.NextDouble() * 0.0036), origin.LongitudeDeg + (random.NextDouble() * 0.0054));
            double score = Math.Round(0.05 + (random.NextDouble() * 0.9), 4);
            var seen = new List<Observation>(observationsPerHazard);
            for (int o = 0; o < observationsPerHazard; o++)
            {
                int photo = ((h * observationsPerHazard) + o) % photosPerFlight;
                double x = 100 + (random.NextDouble() * (PhotoWidth - 300));
                double y = 100 + (random.NextDouble() * (PhotoHeight - 300));
                double side = 16 + (random.NextDouble() * 40);
                var observation = new Observation(
                    PhotoId(photo), observations[photo].Count, "ap_mine", score - (o * 0.01), new PixelBox(x, y, x + side, y + side),
                    position, null, new HorizontalUncertainty(0.8, 1.7, 0.9, 0.7, 30), 0.6, new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero).AddSeconds(photo));
                observations[photo].Add(observation);
                seen.Add(observation);
            }

            hazards.Add(new HazardPoint(
                "hp-" + flightId[3..] + "-" + h.ToString("00000", CultureInfo.InvariantCulture), position, "ap_mine",
                new Dictionary<string, int> { ["ap_mine"] = seen.Count }, seen.Max(o => o.Confidence), seen.Average(o => o.Confidence), seen, 0.8, 1.7));
        }

        for (int n = 0; n < photosPerFlight; n++)
        {
            store.SavePhotoResult(flightId, new PhotoRecord
            {
                PhotoId = PhotoId(n), FileName = Path.GetFileName(RelativePath(n)), RelativePath = RelativePath(n), Width = PhotoWidth, Height = PhotoHeight,
                Position = origin, AltitudeAglM = 25, GsdM = 0.005, RunId = run,
            }, observations[n]);
        }

        var field = new GeometryFactory(new PrecisionModel(), 4326).ToGeometry(new Envelope(origin.LongitudeDeg, origin.LongitudeDeg + 0.0054, origin.LatitudeDeg, origin.LatitudeDeg + 0.0036));
        store.ReplaceHazards(flightId, hazards, new CoverageLayer(field, 160_000, 0.01, photosPerFlight), SuggestedAreas.Build(hazards, 5));
        LinkPhotos(flightsRoot, flightId, photoFile);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Copies the first flight to every other id with bulk SQL (one transaction per flight).</summary>
    /// <returns>Seconds taken.</returns>
    public double CopyOthers(Func<DbConnection> open, string flightsRoot, string photoFile, Action<string> log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var connection = open();
        string source = FlightIds[0];

        // Table → (column → expression) for the columns that change; @d is the new flight, @s the source, @x the suffix.
        var changes = new (string Table, string Where, Dictionary<string, string> Set, string[] Skip)[]
        {
            ("flights", "id = @s", new() { ["id"] = "@d", ["name"] = "name || @x" }, []),
            ("runs", "flight_id = @s", new() { ["flight_id"] = "@d" }, ["id"]),
            ("photo_tasks", "flight_id = @s", new() { ["flight_id"] = "@d" }, []),
            ("photos", "flight_id = @s", new() { ["flight_id"] = "@d", ["run_id"] = "(SELECT MAX(id) FROM runs WHERE flight_id = @d)" }, []),
            ("detections", "flight_id = @s", new() { ["flight_id"] = "@d", ["run_id"] = "(SELECT MAX(id) FROM runs WHERE flight_id = @d)" }, []),
            ("hazards", "flight_id = @s", new() { ["id"] = "id || @x", ["flight_id"] = "@d" }, []),
            ("hazard_observations", "flight_id = @s", new() { ["hazard_id"] = "hazard_id || @x", ["flight_id"] = "@d" }, []),
            ("coverage", "flight_id = @s", new() { ["flight_id"] = "@d" }, []),
            ("suggested_areas", "flight_id = @s", new() { ["flight_id"] = "@d" }, []),
        };
        var statements = changes.Select(t =>
        {
            var columns = Columns(connection, t.Table).Where(c => !t.Skip.Contains(c)).ToList();
            return $"INSERT INTO {t.Table} ({string.Join(", ", columns)}) SELECT {string.Join(", ", columns.Select(c => t.Set.GetValueOrDefault(c, c)))} FROM {t.Table} WHERE {t.Where};";
        }).ToList();

        for (int i = 1; i < FlightIds.Count; i++)
        {
            using (var tx = connection.BeginTransaction())
            {
                foreach (string sql in statements)
                {
                    using var command = connection.CreateCommand();
                    command.Transaction = tx;
                    command.CommandText = sql;
                    Add(command, "s", source);
                    Add(command, "d", FlightIds[i]);
                    Add(command, "x", "-" + i.ToString("000", CultureInfo.InvariantCulture));
                    command.ExecuteNonQuery();
                }

                tx.Commit();
            }

            LinkPhotos(flightsRoot, FlightIds[i], photoFile);
            if ((i + 1) % 10 == 0)
            {
                log($"  {i + 1} of {FlightIds.Count} flights");
            }
        }

        return clock.Elapsed.TotalSeconds;
    }

    private void LinkPhotos(string flightsRoot, string flightId, string photoFile)
    {
        string folder = Path.Combine(flightsRoot, flightId, "photos");
        Directory.CreateDirectory(folder);
        for (int n = 0; n < photosPerFlight; n++)
        {
            string link = Path.Combine(flightsRoot, flightId, RelativePath(n));
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, photoFile);
            }
        }
    }

    private static List<string> Columns(DbConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} WHERE 1 = 0;";
        using var reader = command.ExecuteReader();
        return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
