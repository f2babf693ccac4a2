using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using DroneScan.Web.Map;
using SixLabors.ImageSharp;

namespace DroneScan.Web.Tests;

/// <summary>
/// The map's data against the processed demo flight: every photo warped onto its corners puts its pixels where the
/// truth says the ground is; reduced copies; each point's relative and absolute error; the offline base map.
/// </summary>
[Collection(ServiceGroup.Name)]
public sealed class MapEndpointTests(ServiceFixture service)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private async Task<FlightMapDto> FlightMapAsync()
    {
        using var client = service.Client(Roles.Operator);
        return (await client.GetFromJsonAsync<FlightMapDto>($"/api/flights/{service.DemoFlightId}/map", Web))!;
    }

    [Fact]
    public async Task FlightMap_CornersPutEveryPlantedItemWhereTheTruthHasIt()
    {
        // The synthetic flight knows, per photo, the pixel of every item in it (flight.json) and each item's ground
        // position (truth.geojson). A photo of flat ground is a homography of the ground, so the item's pixel taken
        // through the homography of the photo's four corners must land on the item: this guards the corner order
        // (top-left, top-right, bottom-right, bottom-left) the map warps each photo with.
        var map = await FlightMapAsync();
        using var flight = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestPaths.DemoFlight, "flight.json")));
        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestPaths.DemoFlight, "truth.geojson")));
        var truePositions = truth.RootElement.GetProperty("features").EnumerateArray().ToDictionary(
            f => f.GetProperty("properties").GetProperty("id").GetString()!,
            f => (Lon: f.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), Lat: f.GetProperty("geometry").GetProperty("coordinates")[1].GetDouble()));
        double width = flight.RootElement.GetProperty("width_px").GetDouble(), height = flight.RootElement.GetProperty("height_px").GetDouble();

        Assert.Equal(18, map.Photos.Count);
        int checkedItems = 0;
        foreach (var photo in flight.RootElement.GetProperty("photos").EnumerateArray())
        {
            var drawn = Assert.Single(map.Photos, p => p.FileName == photo.GetProperty("file").GetString());
            Assert.NotNull(drawn.Corners);
            Assert.NotNull(drawn.Overlay);
            foreach (var item in photo.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("in_frame").GetBoolean()))
            {
                var (lat, lon) = Homography(drawn.Corners!, item.GetProperty("centre_u").GetDouble() / width, item.GetProperty("centre_v").GetDouble() / height);
                var want = truePositions[item.GetProperty("id").GetString()!];
                double errorM = Math.Sqrt(Math.Pow((lon - want.Lon) * 111_320 * Math.Cos(want.Lat * Math.PI / 180), 2) + Math.Pow((lat - want.Lat) * 110_950, 2));
                Assert.True(errorM < 0.05, $"{drawn.FileName} item {item.GetProperty("id")}: {errorM:F3} m from the truth");
                checkedItems++;
            }
        }

        Assert.True(checkedItems >= 18, $"only {checkedItems} items checked");
    }

    [Fact]
    public async Task FlightMap_RelativeErrorIsSmallerThanTheAbsolute_ForEveryPoint()
    {
        var map = await FlightMapAsync();
        using var client = service.Client(Roles.Operator);
        var hazards = await client.GetFromJsonAsync<JsonElement[]>($"/api/hazards?flight={service.DemoFlightId}");
        Assert.Equal(hazards!.Select(h => h.GetProperty("id").GetString()).Order(), map.Points.Select(p => p.Id).Order());
        foreach (var p in map.Points)
        {
            var h = hazards!.Single(x => x.GetProperty("id").GetString() == p.Id);
            Assert.Equal(h.GetProperty("r90M").GetDouble(), p.R90M, 9);
            // Without RTK the absolute error is dominated by the 3 m GNSS error the photos share; the relative one
            // leaves it out, so it is a fraction of the absolute one.
            Assert.True(p.RelativeR90M > 0.05 && p.RelativeR90M < p.R90M / 2, $"{p.Id}: relative {p.RelativeR90M} m, absolute {p.R90M} m");
            Assert.Equal(2.146 * p.RelativeSigmaM, p.RelativeR90M, 2);
        }
    }

    [Fact]
    public async Task FlightMap_HasTheSuggestedAreasWithTheirPoints()
    {
        var map = await FlightMapAsync();
        var area = Assert.Single(map.Areas);
        Assert.True(area.AreaM2 > 100, $"{area.AreaM2} m²");
        Assert.NotEmpty(area.HazardIds);
        Assert.True(area.Rings[0].Count >= 4);
    }

    [Fact]
    public async Task FlightMap_OfAnUnknownFlight_IsNotFound()
    {
        using var client = service.Client(Roles.Operator);
        using var response = await client.GetAsync("/api/flights/fl-000000000000/map");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Overlay_IsAReducedJpegWithoutMetadata_MadeOnceIntoTheFlightFolder()
    {
        var photo = (await FlightMapAsync()).Photos[0];
        using var client = service.Client(Roles.Operator);
        using var first = await client.GetAsync("/" + photo.Overlay);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("image/jpeg", first.Content.Headers.ContentType?.MediaType);
        byte[] bytes = await first.Content.ReadAsByteArrayAsync();
        using (var image = Image.Load(bytes))
        {
            Assert.Equal(1024, image.Width); // 2000 × 1500 reduced to a longest side of 1024
            Assert.Equal(768, image.Height);
            Assert.Null(image.Metadata.ExifProfile);
        }

        string cached = Path.Combine(service.DataDir, "flights", service.DemoFlightId, ".overlays", $"{photo.PhotoId}-1024.jpg");
        Assert.True(File.Exists(cached), "the copy is not kept in the flight's folder");
        var written = File.GetLastWriteTimeUtc(cached);
        using var second = await client.GetAsync("/" + photo.Overlay);
        Assert.Equal(bytes, await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(written, File.GetLastWriteTimeUtc(cached));
        Assert.DoesNotContain(Directory.GetFiles(Path.GetDirectoryName(cached)!), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overlay_OfAPhotoNotInTheFlight_IsNotFound_WithoutAServerPath()
    {
        using var client = service.Client(Roles.Operator);
        using var response = await client.GetAsync($"/api/flights/{service.DemoFlightId}/photos/{new string('a', 64)}/overlay");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(service.DataDir, body, StringComparison.Ordinal);
        using var anonymous = service.Client(null);
        using var refused = await anonymous.GetAsync("/" + (await FlightMapAsync()).Photos[0].Overlay);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task BaseMap_SaysWhatItHolds_WithoutThePath()
    {
        using var client = service.Client(Roles.Operator);
        string text = await client.GetStringAsync("/api/basemap");
        Assert.DoesNotContain("mbtiles", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Fixtures", text, StringComparison.Ordinal);
        var info = JsonSerializer.Deserialize<BaseMapDto>(text, Web)!;
        Assert.True(info.Available);
        Assert.Equal("png", info.Format);
        Assert.Equal((17, 18), (info.MinZoom, info.MaxZoom));
        Assert.Equal(MapEndpoints.TileTemplate, info.Tiles);
        Assert.NotNull(info.Bounds);
        Assert.InRange(47.0, info.Bounds![0], info.Bounds[2]); // the demo flight (40 N, 47 E) lies inside
        Assert.InRange(40.0, info.Bounds[1], info.Bounds[3]);
    }

    [Fact]
    public async Task BaseMapTile_IsAddressedByXyzRow_NotByTheStoredTmsRow()
    {
        // 40 N, 47 E at zoom 18: column 165296, XYZ row 99241 (row 0 at the north); MBTiles keeps TMS row
        // 2^18 − 1 − 99241 = 162902 (row 0 at the south). Worked out by hand from the Web Mercator formulas.
        using var client = service.Client(Roles.Operator);
        using var tile = await client.GetAsync("/api/basemap/18/165296/99241");
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        Assert.Equal("image/png", tile.Content.Headers.ContentType?.MediaType);
        byte[] png = await tile.Content.ReadAsByteArrayAsync();
        Assert.Equal(256, Image.Identify(png).Width);
        Assert.True(tile.Headers.Contains("Content-Security-Policy"));

        foreach (string missing in new[] { "18/165296/162902", "18/0/0", "17/165296/99241", "40/1/1", "3/8/1" })
        {
            using var none = await client.GetAsync("/api/basemap/" + missing);
            Assert.True(none.StatusCode == HttpStatusCode.NotFound, missing + ": " + none.StatusCode);
            Assert.DoesNotContain("Fixtures", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    /// <summary>The unit square (u, v) through the homography of the four corners ([lat, lon]: top-left, top-right,
    /// bottom-right, bottom-left), in a local metric frame at the first corner.</summary>
    private static (double Lat, double Lon) Homography(IReadOnlyList<double[]> corners, double u, double v)
    {
        double lat0 = corners[0][0], lon0 = corners[0][1];
        double kx = 111_320 * Math.Cos(lat0 * Math.PI / 180), ky = 110_950;
        var p = corners.Select(c => ((c[1] - lon0) * kx, (c[0] - lat0) * ky)).ToArray();
        var ((x0, y0), (x1, y1), (x2, y2), (x3, y3)) = (p[0], p[1], p[2], p[3]);
        double sx = x0 - x1 + x2 - x3, sy = y0 - y1 + y2 - y3;
        double dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2, den = (dx1 * dy2) - (dx2 * dy1);
        double g = ((sx * dy2) - (dx2 * sy)) / den, h = ((dx1 * sy) - (sx * dy1)) / den;
        double w = (g * u) + (h * v) + 1;
        double x = (((x1 - x0 + (g * x1)) * u) + ((x3 - x0 + (h * x3)) * v) + x0) / w;
        double y = (((y1 - y0 + (g * y1)) * u) + ((y3 - y0 + (h * y3)) * v) + y0) / w;
        return (lat0 + (y / ky), lon0 + (x / kx));
    }
}

/// <summary>The MBTiles reader and the start-up check of <c>Ui:BaseMapFile</c>, on files made here.</summary>
public sealed class BaseMapTilesTests
{
    [Fact]
    public void Open_ReadsTheFixturesMetadata()
    {
        var tiles = BaseMapTiles.Open(TestPaths.BaseMap);
        Assert.Equal("DroneScan test area", tiles.Info.Name);
        Assert.Contains("CC0", tiles.Info.Attribution, StringComparison.Ordinal);
        Assert.Null(tiles.Tile(18, 165296, -1));
        Assert.Null(tiles.Tile(18, 1 << 18, 99241));
        Assert.NotNull(tiles.Tile(18, 165296, 99241));
    }

    [Fact]
    public void Open_RefusesAFileThatIsNotMBTiles_NamingTheSettingAndTheFile()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("dronescan-basemap-").FullName, "not-tiles.mbtiles");
        File.WriteAllText(file, "elevation,1\n");
        var error = Assert.Throws<InvalidDataException>(() => BaseMapTiles.Open(file));
        Assert.Contains("Ui:BaseMapFile", error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartCheck_FailsForAMissingFile_AndPassesWithoutOne()
    {
        var check = new BaseMapFileValidation();
        var missing = check.Validate(null, new UiOptions { BaseMapFile = "/nowhere/area.mbtiles" });
        Assert.True(missing.Failed);
        Assert.Contains("/nowhere/area.mbtiles", missing.FailureMessage, StringComparison.Ordinal);
        Assert.True(check.Validate(null, new UiOptions()).Succeeded);
    }
}
