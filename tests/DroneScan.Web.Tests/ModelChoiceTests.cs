using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

/// <summary>Automatic model choice in the service, with the real shipped models: each photo of a flight runs through
/// the model of its camera unless the flight names one; the API says which model each photo used.</summary>
[Collection(ServiceGroup.Name)]
public sealed class ModelChoiceTests(ServiceFixture service)
{
    private static string RgbPhoto => Path.Combine(TestPaths.DemoFlight, "IMG_0001.jpg");

    [Fact]
    public async Task TheModels_AreListed_WithTheirSensors()
    {
        using var client = service.Client(Roles.Operator);

        var models = await client.GetFromJsonAsync<JsonElement[]>("/api/models");

        Assert.Equal(
            [("dronescan-rgb", "rgb"), ("dronescan-thermal", "thermal")],
            models!.Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("sensor").GetString()!)).ToArray());
    }

    [Fact]
    public async Task AMixedFlight_RunsEachPhotoThroughTheModelOfItsCamera_AndTheApiSaysWhich()
    {
        using var client = service.Client(Roles.Operator);
        string id = await ServiceFixture.UploadFilesAsync(client, [RgbPhoto, TestPaths.ThermalFrame], "rgb and thermal");

        var flight = await ServiceFixture.WaitForDoneAsync(client, id);

        Assert.Equal(("done", 2), (flight.GetProperty("status").GetString(), flight.GetProperty("photos").GetProperty("ok").GetInt32()));
        Assert.Equal("auto", flight.GetProperty("settings").GetProperty("model").GetString());
        Assert.Equal(
            [("dronescan-rgb", "0.3.0", 1), ("dronescan-thermal", "0.3.0", 1)],
            flight.GetProperty("models").EnumerateArray()
                .Select(m => (m.GetProperty("name").GetString()!, m.GetProperty("version").GetString()!, m.GetProperty("photos").GetInt32()))
                .OrderBy(m => m.Item1, StringComparer.Ordinal).ToArray());
        Assert.Equal("dronescan-rgb+dronescan-thermal 0.3.0+0.3.0", flight.GetProperty("model").GetString());

        var map = await client.GetFromJsonAsync<JsonElement>($"/api/flights/{id}/map");
        var perPhoto = map.GetProperty("photos").EnumerateArray()
            .ToDictionary(p => p.GetProperty("fileName").GetString()!, p => p.GetProperty("model").GetString(), StringComparer.Ordinal);
        Assert.Equal("dronescan-rgb", perPhoto["IMG_0001.jpg"]);
        Assert.Equal("dronescan-thermal", perPhoto[Path.GetFileName(TestPaths.ThermalFrame)]);

        // The store agrees, with each model's own hash: the photos really ran through different models.
        var stored = service.Get<IFlightStore>().LoadPhotoModels(id).ToDictionary(p => p.FileName, p => p.ModelSha256, StringComparer.Ordinal);
        Assert.NotEqual(stored["IMG_0001.jpg"], stored[Path.GetFileName(TestPaths.ThermalFrame)]);
    }

    [Fact]
    public async Task AFlightNamingAModel_RunsEveryPhotoThroughIt()
    {
        using var client = service.Client(Roles.Operator);
        using var form = new MultipartFormDataContent { { new StringContent("rgb only"), "name" }, { new StringContent("DRONESCAN-RGB"), "model" } };
        foreach (var file in new[] { RgbPhoto, TestPaths.ThermalFrame })
        {
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(file)), "photos", Path.GetFileName(file));
        }

        string id = await ServiceFixture.CreatedIdAsync(await client.PostAsync("/api/flights", form));
        var flight = await ServiceFixture.WaitForDoneAsync(client, id);

        Assert.Equal("dronescan-rgb", flight.GetProperty("settings").GetProperty("model").GetString());
        var models = flight.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(("dronescan-rgb", 2), (models.Single().GetProperty("name").GetString(), models.Single().GetProperty("photos").GetInt32()));
        Assert.Equal("dronescan-rgb 0.3.0", flight.GetProperty("model").GetString());
    }

    [Fact]
    public async Task AModelTheServiceDoesNotRun_IsRefused_NamingTheFieldAndWhatItAccepts()
    {
        using var client = service.Client(Roles.Operator);
        int flights = service.Get<IFlightStore>().GetFlights().Count;
        using var form = new MultipartFormDataContent { { new StringContent("lidar"), "name" }, { new StringContent("dronescan-lidar"), "model" } };
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(RgbPhoto)), "photos", "IMG_0001.jpg");

        using var response = await client.PostAsync("/api/flights", form);
        string detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("model 'dronescan-lidar': use auto, dronescan-rgb, dronescan-thermal", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(service.DataDir, detail, StringComparison.Ordinal);
        Assert.Equal(flights, service.Get<IFlightStore>().GetFlights().Count);

        using var reprocess = await client.PostAsJsonAsync($"/api/flights/{service.DemoFlightId}/reprocess", new Dictionary<string, object> { ["model"] = "yolo" });
        Assert.Equal(HttpStatusCode.BadRequest, reprocess.StatusCode);
        Assert.Contains("model 'yolo': use auto, dronescan-rgb, dronescan-thermal", await reprocess.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
