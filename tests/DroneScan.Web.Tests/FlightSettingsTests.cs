using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

/// <summary>Per-flight processing settings in <c>POST /api/flights</c>: each field checked (400 naming it, nothing
/// stored), stored with the flight, shown on it, and used when its photos are processed.</summary>
[Collection(ServiceGroup.Name)]
public sealed class FlightSettingsTests(ServiceFixture service)
{
    private static string Caliterra => Path.Combine(TestPaths.RepoRoot, "data-samples", "caliterra", "IMG_9400.jpg");

    [Theory]
    [InlineData("agl_m", "sixty")]
    [InlineData("agl_m", "0")]
    [InlineData("agl_m", "-5")]
    [InlineData("agl_m", "60,5")]
    [InlineData("agl_m", "NaN")]
    [InlineData("ground_elevation_m", "10000")]
    [InlineData("sensor_width_mm", "0")]
    [InlineData("focal_px", "1e9")]
    [InlineData("gps_sigma_m", "-1")]
    [InlineData("conf", "1.5")]
    [InlineData("conf", "0")]
    [InlineData("model", "dronescan-lidar")]
    [InlineData("dem_datum", "navd88")]
    [InlineData("altitude_datum", "msl")]
    public async Task ABadSetting_Is400NamingTheField_AndStoresNothing(string field, string value)
    {
        using var client = service.Client(Roles.Operator);
        int flights = service.Get<IFlightStore>().GetFlights().Count;
        var folders = Directory.GetDirectories(Path.Combine(service.DataDir, "flights")).ToHashSet();

        using var response = await UploadAsync(client, "bad setting", [(field, value)], Path.Combine(TestPaths.DemoFlight, "IMG_0001.jpg"));
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.StartsWith($"{field} '{value}'", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(flights, service.Get<IFlightStore>().GetFlights().Count);
        Assert.Equal(folders, Directory.GetDirectories(Path.Combine(service.DataDir, "flights")).ToHashSet());
    }

    [Fact]
    public async Task APhotoWithoutHeight_IsUsed_WhenTheUploadGivesTheHeightAboveGround()
    {
        // The caliterra photo's EXIF altitude is above sea level: without a height it cannot be placed.
        using var client = service.Client(Roles.Operator);
        string without = await ServiceFixture.CreatedIdAsync(await UploadAsync(client, "caliterra", [], Caliterra));
        string with = await ServiceFixture.CreatedIdAsync(await UploadAsync(client, "caliterra at 60 m", [("agl_m", "60"), ("gps_sigma_m", "4.5"), ("model", "AUTO")], Caliterra));

        var a = await ServiceFixture.WaitForDoneAsync(client, without);
        var b = await ServiceFixture.WaitForDoneAsync(client, with);

        Assert.Equal(("failed", 0), (a.GetProperty("status").GetString(), a.GetProperty("photos").GetProperty("ok").GetInt32()));
        Assert.Equal("no-altitude", a.GetProperty("photos").GetProperty("problems")[0].GetProperty("code").GetString());
        Assert.Contains("Processing settings", a.GetProperty("photos").GetProperty("problems")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(("done", 1), (b.GetProperty("status").GetString(), b.GetProperty("photos").GetProperty("ok").GetInt32()));
        var settings = b.GetProperty("settings");
        Assert.Equal((60.0, 4.5, "auto"), (settings.GetProperty("aglM").GetDouble(), settings.GetProperty("gpsSigmaM").GetDouble(), settings.GetProperty("model").GetString()));
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("conf").ValueKind);
        Assert.Contains("60", service.Get<IFlightStore>().GetFlight(with)!.LatestRun!.OptionsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedFlight_GivenTheHeightAndReprocessed_UsesItsPhoto()
    {
        using var client = service.Client(Roles.Operator);
        string id = await ServiceFixture.CreatedIdAsync(await UploadAsync(client, "caliterra, height later", [], Caliterra));
        Assert.Equal("failed", (await ServiceFixture.WaitForDoneAsync(client, id)).GetProperty("status").GetString());
        using (var bad = await client.PostAsJsonAsync($"/api/flights/{id}/reprocess", new Dictionary<string, object> { ["agl_m"] = "high" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("agl_m 'high'", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(service.Get<IFlightStore>().GetFlight(id)!.Flight.Settings!.IsDefault());

        long firstRun = service.Get<IFlightStore>().GetFlight(id)!.LatestRun!.Id;
        using var reprocess = await client.PostAsJsonAsync($"/api/flights/{id}/reprocess", new Dictionary<string, object> { ["agl_m"] = 60 });
        Assert.Equal(HttpStatusCode.Accepted, reprocess.StatusCode);
        var flight = await WaitForRunAsync(client, id, firstRun);

        Assert.Equal(("done", 1), (flight.GetProperty("status").GetString(), flight.GetProperty("photos").GetProperty("ok").GetInt32()));
        Assert.Equal(60.0, flight.GetProperty("settings").GetProperty("aglM").GetDouble());
    }

    [Fact]
    public async Task Reprocessing_KeepsTheReviewsOfPointsFoundAgain()
    {
        using var client = service.Client(Roles.Operator);
        using var analyst = service.Client(Roles.Analyst);
        var photos = Enumerable.Range(1, 6).Select(i => Path.Combine(TestPaths.DemoFlight, $"IMG_{i:0000}.jpg")).ToArray();
        string id = await ServiceFixture.UploadFilesAsync(client, photos, "six demo photos");
        await ServiceFixture.WaitForDoneAsync(client, id);
        string hazardId = service.Get<IFlightStore>().GetHazards(id)[0].Point.Id;
        (await analyst.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "confirm", comment = "seen on site" })).Dispose();

        long firstRun = service.Get<IFlightStore>().GetFlight(id)!.LatestRun!.Id;
        using var reprocess = await client.PostAsJsonAsync($"/api/flights/{id}/reprocess", new Dictionary<string, object> { ["gps_sigma_m"] = "2.5" });
        Assert.Equal(HttpStatusCode.Accepted, reprocess.StatusCode);
        await WaitForRunAsync(client, id, firstRun);

        var hazard = await analyst.GetFromJsonAsync<JsonElement>($"/api/hazards/{hazardId}");
        Assert.Equal("confirmed", hazard.GetProperty("status").GetString());
        Assert.Single((await analyst.GetFromJsonAsync<JsonElement[]>($"/api/hazards/{hazardId}/reviews"))!);
    }

    /// <summary>Polls until a run newer than <paramref name="previousRunId"/> has finished and the flight shows
    /// processing ended (the reprocess's run); returns the flight document.</summary>
    private async Task<JsonElement> WaitForRunAsync(HttpClient client, string id, long previousRunId)
    {
        var store = service.Get<IFlightStore>();
        var deadline = DateTime.UtcNow + ServiceFixture.ProcessingTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (store.GetFlight(id)!.LatestRun is { FinishedAt: not null } run && run.Id != previousRunId)
            {
                return await ServiceFixture.WaitForDoneAsync(client, id);
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"flight {id}: no run after {previousRunId} finished");
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string name, IEnumerable<(string Field, string Value)> settings, string photo)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" } };
        foreach (var (field, value) in settings)
        {
            form.Add(new StringContent(value), field);
        }

        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(photo)), "photos", Path.GetFileName(photo));
        return await client.PostAsync("/api/flights", form);
    }
}
