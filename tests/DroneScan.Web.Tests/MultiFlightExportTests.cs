using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Export.Tests;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

/// <summary><c>GET /api/exports</c>: several flights (by id, or every flight of a site) in one file, read back with
/// the real readers (GDAL's ogrinfo for a GeoPackage, JSON for GeoJSON); flights that do not exist are refused.</summary>
[Collection(ServiceGroup.Name)]
public sealed class MultiFlightExportTests(ServiceFixture service) : IAsyncLifetime
{
    // A site of its own: no other test's flight (perhaps still processing) belongs to it.
    private readonly string site = "ridge " + Guid.NewGuid().ToString("N")[..8];
    private readonly string dir = Directory.CreateTempSubdirectory("dronescan-multi-export-").FullName;
    private string first = "";
    private string second = "";

    public async Task InitializeAsync()
    {
        using var client = service.Client(Roles.Operator);
        first = await UploadAsync(client, "ridge morning", Enumerable.Range(1, 6));
        second = await UploadAsync(client, "ridge afternoon", Enumerable.Range(7, 6));
        await ServiceFixture.WaitForDoneAsync(client, first);
        await ServiceFixture.WaitForDoneAsync(client, second);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryFlightOfASite_InOneGeoPackage_HoldsEachFlightsPoints()
    {
        using var client = service.Client(Roles.Planner);
        using var response = await client.GetAsync($"/api/exports?site={Uri.EscapeDataString(site.ToUpperInvariant())}&format=gpkg");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.StartsWith("ridge-", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        string path = Path.Combine(dir, "site.gpkg");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());

        string all = Ogr.Info("-al", path);

        var store = service.Get<IFlightStore>();
        int a = store.GetHazards(first).Count, b = store.GetHazards(second).Count;
        Assert.True(a > 0 && b > 0, $"both flights should have points ({a}, {b})");
        Assert.Equal(a + b, Ogr.FeatureCount(Ogr.Info("-al", "-so", path)));
        Assert.Equal(a, Occurrences(all, $"flight_id (String) = {first}"));
        Assert.Equal(b, Occurrences(all, $"flight_id (String) = {second}"));
        Assert.Equal(a, Occurrences(all, "flight (String) = ridge morning"));
        foreach (var hazard in store.GetHazards(first).Concat(store.GetHazards(second)))
        {
            Assert.Contains($"id (String) = {hazard.Point.Id}", all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FlightsById_InOneGeoJson_KeepEachFeaturesFlight_AndTheStatusFilter()
    {
        using var client = service.Client(Roles.Planner);
        var doc = await client.GetFromJsonAsync<JsonElement>($"/api/exports?flights={first},{second}&format=geojson&layer=points&status=candidate");

        var store = service.Get<IFlightStore>();
        var perFlight = doc.GetProperty("features").EnumerateArray()
            .GroupBy(f => f.GetProperty("properties").GetProperty("flight_id").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(store.GetHazards(first, HazardStatus.Candidate).Count, perFlight.GetValueOrDefault(first));
        Assert.Equal(store.GetHazards(second, HazardStatus.Candidate).Count, perFlight.GetValueOrDefault(second));
        Assert.Equal(2, perFlight.Count);
    }

    [Fact]
    public async Task TheCoverageOfSeveralFlights_AsAShapefile_HoldsEveryFlightsFootprints()
    {
        using var client = service.Client(Roles.Planner);
        using var response = await client.GetAsync($"/api/exports?flights={first},{second}&format=shp&layer=coverage");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string path = Path.Combine(dir, "coverage.zip");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());

        string all = Ogr.Info("-al", "/vsizip/" + path);

        // Each flight: its covered area and one footprint per photo.
        Assert.Equal(7, Occurrences(all, $"flight_id (String) = {first}"));
        Assert.Equal(7, Occurrences(all, $"flight_id (String) = {second}"));
    }

    [Fact]
    public async Task AFlightThatDoesNotExist_IsRefused_NamingIt_AndNothingIsWritten()
    {
        using var client = service.Client(Roles.Planner);
        using var response = await client.GetAsync($"/api/exports?flights={first},fl-000000000000&format=geojson");
        string detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("flights: no flight 'fl-000000000000'", detail);

        using var noSite = await client.GetAsync("/api/exports?site=nowhere-at-all&format=kml");
        Assert.Equal(HttpStatusCode.NotFound, noSite.StatusCode);
        Assert.Contains("site: no flight of site 'nowhere-at-all'", await noSite.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(service.DataDir, await noSite.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format=geojson")]
    [InlineData("flights=a&site=b")]
    public async Task NeitherOrBothOfFlightsAndSite_Is400NamingTheField(string query)
    {
        using var client = service.Client(Roles.Planner);
        using var response = await client.GetAsync("/api/exports?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("flights: give the flights", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyPlannersAndAdmins_MayExport()
    {
        using var analyst = service.Client(Roles.Analyst);
        using var response = await analyst.GetAsync($"/api/exports?flights={first}&format=geojson");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<string> UploadAsync(HttpClient client, string name, IEnumerable<int> photos)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new StringContent(site), "site" } };
        foreach (int i in photos)
        {
            string file = Path.Combine(TestPaths.DemoFlight, $"IMG_{i:0000}.jpg");
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(file)), "photos", Path.GetFileName(file));
        }

        return await ServiceFixture.CreatedIdAsync(await client.PostAsync("/api/flights", form));
    }

    private static int Occurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
