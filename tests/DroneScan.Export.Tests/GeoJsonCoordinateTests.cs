using System.Globalization;
using System.Text.Json;
using DroneScan.Core.Geodesy;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace DroneScan.Export.Tests;

public sealed class GeoJsonCoordinateTests
{
    private const double ToleranceDeg = 1e-7;

    private static readonly JsonSerializerOptions ReadOptions = new() { Converters = { new GeoJsonConverterFactory() } };

    [Fact]
    public void Write_Points_CoordinatesAreLonLatWithAtLeastSevenDecimals()
    {
        string json = WriteGeoJson(ExportLayer.Points);

        using var doc = JsonDocument.Parse(json);
        Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
        Assert.False(doc.RootElement.TryGetProperty("crs", out _), "RFC 7946 has no crs member");
        var coordinates = doc.RootElement.GetProperty("features")[0].GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal(ExportTestData.PositionA.LongitudeDeg, coordinates[0].GetDouble(), ToleranceDeg);
        Assert.Equal(ExportTestData.PositionA.LatitudeDeg, coordinates[1].GetDouble(), ToleranceDeg);
        foreach (var ordinate in coordinates.EnumerateArray())
        {
            string raw = ordinate.GetRawText();
            int decimals = raw.Length - raw.IndexOf('.', StringComparison.Ordinal) - 1;
            Assert.True(decimals >= 7, $"ordinate {raw} has fewer than 7 decimals");
        }
    }

    [Fact]
    public void Write_Points_ReadBackWithNtsGivesTheSamePositions()
    {
        string json = WriteGeoJson(ExportLayer.Points);

        var collection = JsonSerializer.Deserialize<FeatureCollection>(json, ReadOptions)!;

        GeoPoint[] expected = [ExportTestData.PositionA, ExportTestData.PositionB, ExportTestData.PositionC];
        Assert.Equal(expected.Length, collection.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            var point = Assert.IsType<Point>(collection[i].Geometry);
            Assert.Equal(expected[i].LongitudeDeg, point.X, ToleranceDeg);
            Assert.Equal(expected[i].LatitudeDeg, point.Y, ToleranceDeg);
        }

        var first = collection[0].Attributes;
        Assert.Equal(ExportTestData.EvidenceA, first["evidence"]);
        Assert.Equal("2025-05-02T10:20:30Z", first["reviewed_at"]);
        Assert.Equal(2.5, Convert.ToDouble(first["r90_m"], CultureInfo.InvariantCulture));
        Assert.Null(collection[1].Attributes["reviewer"]);
    }

    [Fact]
    public void Write_Points_CarryGroundElevationAndHeightSource_FromTheirObservations()
    {
        // Two views of point A placed on a DEM at 1800.0 and 1802.0 m (one with the laser): the mean, both sources.
        var data = ExportTestData.Create();
        var a = data.Hazards[0];
        var observations = a.Point.Observations
            .Select((o, i) => o with { GroundElevationM = 1800.0 + (2 * i), HeightSource = i == 0 ? "dji-absolute-minus-dem" : "dji-lrf+dem" })
            .ToList();
        Assert.Equal(2, observations.Count);
        var hazards = data.Hazards.ToList();
        hazards[0] = a with { Point = a.Point with { Observations = observations } };
        using var stream = new MemoryStream();
        HazardExporter.Write(ExportFormat.GeoJson, ExportLayer.Points, data with { Hazards = hazards }, stream);

        using var doc = JsonDocument.Parse(stream.ToArray());
        var features = doc.RootElement.GetProperty("features");
        var first = features[0].GetProperty("properties");
        Assert.Equal(1801.0, first.GetProperty("ground_elevation_m").GetDouble(), 9);
        Assert.Equal("dji-absolute-minus-dem;dji-lrf+dem", first.GetProperty("height_source").GetString());

        // Observations without them (level ground assumed): empty.
        var second = features[1].GetProperty("properties");
        Assert.Equal(JsonValueKind.Null, second.GetProperty("ground_elevation_m").ValueKind);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("height_source").ValueKind);
    }

    private static string WriteGeoJson(ExportLayer layer)
    {
        using var stream = new MemoryStream();
        HazardExporter.Write(ExportFormat.GeoJson, layer, ExportTestData.Create(), stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
