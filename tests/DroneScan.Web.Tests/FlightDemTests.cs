using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

/// <summary>A flight's own DEM, uploaded in the <c>dem</c> field: checked with the upload (400 naming it, nothing
/// stored), kept with the flight, and used for every photo, as <c>scan --dem</c> does.</summary>
[Collection(ServiceGroup.Name)]
public sealed class FlightDemTests(ServiceFixture service)
{
    private static string HillFlight => Path.Combine(TestPaths.RepoRoot, "data-samples", "hill-flight");

    [Fact]
    public async Task TheHillFlight_WithItsDem_PutsEveryTargetWithinHalfAMetre()
    {
        using var client = service.Client(Roles.Operator);
        var photos = Directory.GetFiles(HillFlight, "*.jpg").Order(StringComparer.Ordinal).ToList();
        string id = await ServiceFixture.CreatedIdAsync(await UploadAsync(client, "hill flight with its DEM", photos, Path.Combine(HillFlight, "dem.tif"), []));
        var flight = await ServiceFixture.WaitForDoneAsync(client, id);
        Assert.Equal("dem.tif", flight.GetProperty("settings").GetProperty("demFile").GetString());
        Assert.Equal(photos.Count, flight.GetProperty("photos").GetProperty("ok").GetInt32());

        using var planner = service.Client(Roles.Planner);
        var points = await planner.GetFromJsonAsync<JsonElement>($"/api/flights/{id}/hazards?format=geojson&layer=points");
        var found = points.GetProperty("features").EnumerateArray()
            .Select(f => (Lon: f.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), Lat: f.GetProperty("geometry").GetProperty("coordinates")[1].GetDouble(), Props: f.GetProperty("properties")))
            .ToList();
        Assert.NotEmpty(found);
        Assert.All(found, f => Assert.Contains("dem", f.Props.GetProperty("height_source").GetString(), StringComparison.Ordinal));
        Assert.All(found, f => Assert.InRange(f.Props.GetProperty("ground_elevation_m").GetDouble(), 1750, 2086));

        // Without the DEM the same photos land metres off (the flat-ground assumption): see docs/georeferencing.md.
        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(HillFlight, "truth.geojson")));
        var targets = truth.RootElement.GetProperty("features").EnumerateArray()
            .Where(t => t.GetProperty("properties").GetProperty("target").GetBoolean() && t.GetProperty("properties").GetProperty("visible_in").GetArrayLength() > 0)
            .ToList();
        Assert.NotEmpty(targets);
        foreach (var target in targets)
        {
            double lon = target.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), lat = target.GetProperty("geometry").GetProperty("coordinates")[1].GetDouble();
            double nearest = found.Min(f => Metres(lon, lat, f.Lon, f.Lat));
            Assert.True(nearest <= 0.5, $"{target.GetProperty("properties").GetProperty("id").GetString()}: nearest point {nearest:0.00} m away");
        }
    }

    [Fact]
    public async Task ADemThatIsNotAGeoTiff_Is400NamingIt_AndStoresNothing()
    {
        using var client = service.Client(Roles.Operator);
        int flights = service.Get<IFlightStore>().GetFlights().Count;
        var folders = Directory.GetDirectories(Path.Combine(service.DataDir, "flights")).ToHashSet();
        string photo = Path.Combine(TestPaths.DemoFlight, "IMG_0001.jpg");

        // A JPEG sent as the DEM.
        using var response = await UploadAsync(client, "bad dem", [photo], photo, [], demName: "terrain.tif");
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        string detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith("dem 'terrain.tif': not a TIFF", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(service.DataDir, detail, StringComparison.Ordinal);
        Assert.Equal(flights, service.Get<IFlightStore>().GetFlights().Count);
        Assert.Equal(folders, Directory.GetDirectories(Path.Combine(service.DataDir, "flights")).ToHashSet());
    }

    [Fact]
    public async Task ADemDatumWithoutADem_Is400()
    {
        using var client = service.Client(Roles.Operator);
        using var response = await UploadAsync(client, "datum only", [Path.Combine(TestPaths.DemoFlight, "IMG_0001.jpg")], null, [("dem_datum", "egm2008")]);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.StartsWith("dem_datum:", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static double Metres(double lon1, double lat1, double lon2, double lat2)
    {
        double north = (lat2 - lat1) * 111_320, east = (lon2 - lon1) * 111_320 * Math.Cos(lat1 * Math.PI / 180);
        return Math.Sqrt((north * north) + (east * east));
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string name, IEnumerable<string> photos, string? dem, IEnumerable<(string Field, string Value)> fields, string? demName = null)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" } };
        foreach (var (field, value) in fields)
        {
            form.Add(new StringContent(value), field);
        }

        foreach (string photo in photos)
        {
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(photo)), "photos", Path.GetFileName(photo));
        }

        if (dem is not null)
        {
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(dem)), "dem", demName ?? Path.GetFileName(dem));
        }

        return await client.PostAsync("/api/flights", form);
    }
}
