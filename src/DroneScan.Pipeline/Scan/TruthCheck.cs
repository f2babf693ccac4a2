using System.Text.Json;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Hazards;

namespace DroneScan.Pipeline.Scan;

/// <summary>One planted item of a truth file: a target (it has a class) or a hard negative (class null).</summary>
public sealed record TruthItem(string Id, string? ClassName, GeoPoint Position, int VisibleIn);

/// <summary>
/// How a scan's hazard points compare with the planted items of a test flight (<c>truth.geojson</c>, as written
/// by <c>dronescan synth flight</c>): which visible targets were found within <see cref="FoundWithinM"/>, the
/// position errors, extra points on one target (duplicates), points on hard negatives and points far from
/// every item — the last two are false alarms an analyst would have to reject.
/// </summary>
public sealed record TruthCheck(
    string File,
    int VisibleTargets,
    int Found,
    IReadOnlyList<string> Missed,
    double? MedianErrorM,
    double? MaxErrorM,
    int Duplicates,
    int OnHardNegatives,
    IReadOnlyList<string> FalsePositiveIds)
{
    /// <summary>A target counts as found when a hazard point lies this close, m.</summary>
    public const double FoundWithinM = 0.5;

    /// <summary>A point farther than this from every planted item is a false positive, m.</summary>
    public const double FarM = 2;

    /// <summary>Reads the truth file and scores <paramref name="hazards"/> against it.</summary>
    /// <exception cref="InvalidDataException">The file is not a GeoJSON FeatureCollection of points with ids.</exception>
    public static TruthCheck Score(string truthFile, IReadOnlyList<HazardPoint> hazards)
    {
        ArgumentNullException.ThrowIfNull(hazards);
        var items = Read(truthFile);
        var targets = items.Where(i => i.ClassName is not null && i.VisibleIn > 0).ToList();
        var errors = new List<double>();
        var missed = new List<string>();
        int duplicates = 0;
        foreach (var t in targets)
        {
            var near = hazards.Select(h => DistanceM(h.Position, t.Position)).Where(d => d <= FoundWithinM).ToList();
            if (near.Count == 0)
            {
                missed.Add(t.Id);
                continue;
            }

            errors.Add(near.Min());
            duplicates += near.Count - 1;
        }

        int onNegatives = hazards.Count(h => items.Any(i => i.ClassName is null && DistanceM(h.Position, i.Position) <= FoundWithinM));
        var far = hazards.Where(h => items.All(i => DistanceM(h.Position, i.Position) > FarM)).Select(h => h.Id).ToList();
        errors.Sort();
        return new TruthCheck(
            truthFile, targets.Count, errors.Count, missed,
            errors.Count == 0 ? null : errors[errors.Count / 2],
            errors.Count == 0 ? null : errors[^1],
            duplicates, onNegatives, far);
    }

    /// <summary>Planted items from a GeoJSON FeatureCollection: properties <c>id</c>, <c>class</c> (null for hard
    /// negatives) and <c>visible_in</c> (photo names; items seen by no photo are not expected).</summary>
    public static IReadOnlyList<TruthItem> Read(string truthFile)
    {
        try
        {
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(truthFile));
            return [.. doc.RootElement.GetProperty("features").EnumerateArray().Select(f =>
            {
                var p = f.GetProperty("properties");
                var c = f.GetProperty("geometry").GetProperty("coordinates");
                string? cls = p.TryGetProperty("class", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                int visible = p.TryGetProperty("visible_in", out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : 1;
                return new TruthItem(p.GetProperty("id").GetString() ?? "", cls, new GeoPoint(c[1].GetDouble(), c[0].GetDouble()), visible);
            })];
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{truthFile}: not a truth file (a GeoJSON FeatureCollection of points with an 'id' property): {ex.Message}", ex);
        }
    }

    /// <summary>Horizontal distance on a local tangent plane (items are metres apart).</summary>
    private static double DistanceM(GeoPoint a, GeoPoint b) =>
        new LocalTangentPlane(a.LatitudeDeg, a.LongitudeDeg).ToEnu(b).HorizontalDistanceM;
}
