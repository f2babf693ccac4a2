using System.Text.Json;
using System.Text.Json.Serialization;

namespace DroneScan.Synth.Flight;

/// <summary>One planted item as <c>truth.geojson</c> tells it: its true position (never the biased one).</summary>
public sealed record TruthItem(string Id, string? Class, string Item, bool Target, double SizeCm, double LatitudeDeg, double LongitudeDeg, double EastM, double NorthM, IReadOnlyList<string> VisibleIn);

/// <summary>One photo in <c>flight.json</c>: the true pose (local frame and WGS84), what its metadata says, and
/// where each item was drawn in it.</summary>
public sealed record FlightPhotoRecord(string File, int Line, string CapturedAt, double EastM, double NorthM, double LatitudeDeg, double LongitudeDeg, double AltitudeAglM, double GimbalYawDeg, double GimbalPitchDeg, double GimbalRollDeg, double GsdM, WrittenPose Written, IReadOnlyList<ItemInPhoto> Items);

/// <summary>Everything <c>flight.json</c> records: how the flight was made and what it holds.</summary>
public sealed record FlightRecord(
    string Generator,
    int Seed,
    double OriginLatitudeDeg,
    double OriginLongitudeDeg,
    double GroundElevationM,
    double GpsBiasEastM,
    double GpsBiasNorthM,
    string CameraMake,
    string CameraModel,
    int WidthPx,
    int HeightPx,
    int FocalLength35mm,
    double FocalLengthMm,
    double FocalLengthPx,
    double AltitudeAglM,
    double HeadingDeg,
    int Lines,
    double LineSpacingM,
    double PhotoStepM,
    double ForwardOverlap,
    double SideOverlap,
    double SunAzimuthDeg,
    double SunElevationDeg,
    string Background,
    double BackgroundGsdM,
    double MosaicGsdM,
    double MosaicWestM,
    double MosaicNorthM,
    int MosaicWidthPx,
    int MosaicHeightPx,
    IReadOnlyList<TruthItem> Items,
    IReadOnlyList<FlightPhotoRecord> Photos);

/// <summary>The JSON files of a flight: snake_case names, RFC 7946 GeoJSON for the truth.</summary>
internal static class FlightJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void WriteFlight(string path, FlightRecord record) =>
        File.WriteAllText(path, JsonSerializer.Serialize(record, Options) + "\n");

    public static FlightRecord ReadFlight(string path) =>
        JsonSerializer.Deserialize<FlightRecord>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path}: empty flight record");

    /// <summary>A FeatureCollection of Points ([longitude, latitude], WGS84) with each item's properties.</summary>
    public static void WriteTruth(string path, IReadOnlyList<TruthItem> items)
    {
        var collection = new GeoJsonCollection("FeatureCollection", [.. items.Select(i => new GeoJsonFeature(
            "Feature",
            new GeoJsonPoint("Point", [Math.Round(i.LongitudeDeg, 9), Math.Round(i.LatitudeDeg, 9)]),
            new TruthProperties(i.Id, i.Class, i.Item, i.Target, Math.Round(i.SizeCm, 1), Math.Round(i.EastM, 3), Math.Round(i.NorthM, 3), i.VisibleIn)))]);
        File.WriteAllText(path, JsonSerializer.Serialize(collection, Options) + "\n");
    }

    private sealed record GeoJsonCollection(string Type, IReadOnlyList<GeoJsonFeature> Features);

    private sealed record GeoJsonFeature(string Type, GeoJsonPoint Geometry, TruthProperties Properties);

    private sealed record GeoJsonPoint(string Type, double[] Coordinates);

    private sealed record TruthProperties(string Id, string? Class, string Item, bool Target, double SizeCm, double EastM, double NorthM, IReadOnlyList<string> VisibleIn);
}
