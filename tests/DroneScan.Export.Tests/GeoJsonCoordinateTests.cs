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

    private static string WriteGeoJson(ExportLayer layer)
    {
        using var stream = new MemoryStream();
        HazardExporter.Write(ExportFormat.GeoJson, layer, ExportTestData.Create(), stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
