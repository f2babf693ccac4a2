using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Storage;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

[Collection(ServiceGroup.Name)]
public sealed class ReviewTests(ServiceFixture service)
{
    [Fact]
    public async Task TwoReviews_BothStayInTheHistory_AndTheLastDecides()
    {
        using var client = service.Client(Roles.Analyst);
        // The last point of the demo flight: the authorization matrix reviews the first.
        string hazardId = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[^1].Point.Id;

        using var first = await client.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "confirm", comment = "clear mine shape" });
        using var second = await client.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "reclassify", label = "uxo", comment = "on a second look" });
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));

        var history = await client.GetFromJsonAsync<JsonElement[]>($"/api/hazards/{hazardId}/reviews");
        Assert.Equal(["confirm", "reclassify"], history!.Select(r => r.GetProperty("decision").GetString()));
        Assert.All(history!, r => Assert.Equal("analyst-user", r.GetProperty("reviewer").GetString()));
        var hazard = await client.GetFromJsonAsync<JsonElement>($"/api/hazards/{hazardId}");
        Assert.Equal(("confirmed", "uxo"), (hazard.GetProperty("status").GetString(), hazard.GetProperty("label").GetString()));
        Assert.NotEmpty(hazard.GetProperty("observations").EnumerateArray());
    }

    [Fact]
    public async Task Review_WithAnUnknownDecision_Is400_AndUnknownHazardIs404()
    {
        using var client = service.Client(Roles.Analyst);
        string hazardId = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[^1].Point.Id;

        using var bad = await client.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "maybe" });
        using var missing = await client.PostAsJsonAsync("/api/hazards/hp-000000000000/review", new { decision = "confirm" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
    }
}
