using System.Globalization;
using System.Text;

namespace DroneScan.Synth.Flight;

/// <summary>
/// Photos for the throughput benchmark (<c>dronescan bench</c>): a short synthetic flight rendered once at full
/// camera resolution, then as many distinct files as asked for, each a rendered photo with a unique trailer after
/// the JPEG end marker. The trailer changes the content hash (the scan counts identical files once) and nothing
/// else: decoders stop at the end marker, so every copy costs what its original costs to read, hash and decode.
/// Everything is cached in the folder and reused by later runs.
/// </summary>
public static class BenchFlight
{
    /// <summary>Photos rendered per flight: two lines of four fit the CC0 background at 20 MP and 5 mm/px.</summary>
    public const int RenderedPhotos = 8;

    /// <summary>Makes sure <paramref name="cacheFolder"/> holds <paramref name="count"/> photos of the flight
    /// <paramref name="flight"/> describes; returns the folder of those photos.</summary>
    public static string Ensure(string cacheFolder, int count, FlightOptions flight, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(flight);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        string root = Path.Combine(cacheFolder, string.Create(CultureInfo.InvariantCulture, $"{flight.WidthPx}x{flight.HeightPx}-agl{flight.AltitudeAglM:0.##}-f{flight.FocalLength35mm}-q{flight.JpegQuality}-seed{flight.Seed}"));
        string rendered = Path.Combine(root, "rendered");
        var originals = Directory.Exists(rendered) ? Directory.GetFiles(rendered, "*.jpg").Order(StringComparer.Ordinal).ToList() : [];
        if (originals.Count < flight.Photos)
        {
            progress?.Invoke($"rendering {flight.Photos} photos of {flight.WidthPx} × {flight.HeightPx} px into {rendered} (once)");
            SyntheticFlight.Write(flight, rendered, progress);
            originals = [.. Directory.GetFiles(rendered, "*.jpg").Order(StringComparer.Ordinal)];
        }

        string folder = Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $"n{count}"));
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++)
        {
            string path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"BENCH_{i + 1:00000}.jpg"));
            if (File.Exists(path))
            {
                continue;
            }

            byte[] original = File.ReadAllBytes(originals[i % originals.Count]);
            byte[] trailer = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DroneScan bench copy {i + 1}"));
            using var file = File.Create(path);
            file.Write(original);
            file.Write(trailer);
        }

        return folder;
    }
}
