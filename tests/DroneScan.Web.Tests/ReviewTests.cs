using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
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
        var point = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[^1].Point;
        string hazardId = point.Id;
        string other = point.ClassName == "uxo" ? "at_mine" : "uxo";

        using var first = await client.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "confirm", comment = "clear mine shape" });
        using var second = await client.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "reclassify", label = other, comment = "on a second look" });
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));

        var history = await client.GetFromJsonAsync<JsonElement[]>($"/api/hazards/{hazardId}/reviews");
        Assert.Equal(["confirm", "reclassify"], history!.Select(r => r.GetProperty("decision").GetString()));
        Assert.All(history!, r => Assert.Equal("analyst-user", r.GetProperty("reviewer").GetString()));
        var hazard = await client.GetFromJsonAsync<JsonElement>($"/api/hazards/{hazardId}");
        Assert.Equal(("confirmed", other, other), (hazard.GetProperty("status").GetString(), hazard.GetProperty("label").GetString(), hazard.GetProperty("finalClass").GetString()));
        Assert.Equal(point.ClassName, hazard.GetProperty("className").GetString());
        Assert.NotEmpty(hazard.GetProperty("observations").EnumerateArray());
    }

    [Fact]
    public async Task ParallelReviews_ByTwoAnalysts_AreAllKept_AndTheLastOfTheHistoryDecides()
    {
        var other = service.Get<UserAdmin>().Create("second-analyst", [Roles.Analyst]);
        using var first = service.Client(Roles.Analyst);
        using var second = new HttpClient { BaseAddress = service.BaseAddress };
        second.DefaultRequestHeaders.Authorization = new("Bearer", other.Token);
        string hazardId = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[^2].Point.Id;

        // Two analysts deciding the same point at the same moment, five times each.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => i % 2 == 0
            ? first.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "confirm", comment = $"parallel {i}" })
            : second.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "reject", comment = $"parallel {i}" })));

        foreach (var a in answers)
        {
            Assert.True(a.StatusCode == HttpStatusCode.OK, $"{(int)a.StatusCode}: {await a.Content.ReadAsStringAsync()}");
        }

        var history = (await first.GetFromJsonAsync<JsonElement[]>($"/api/hazards/{hazardId}/reviews"))!;
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"parallel {i}").Order(), history.Select(r => r.GetProperty("comment").GetString()!).Order());
        Assert.Equal(["analyst-user", "second-analyst"], history.Select(r => r.GetProperty("reviewer").GetString()).Distinct().Order());
        var times = history.Select(r => r.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        var last = history[^1];
        var hazard = await first.GetFromJsonAsync<JsonElement>($"/api/hazards/{hazardId}");
        Assert.Equal(last.GetProperty("decision").GetString() == "confirm" ? "confirmed" : "rejected", hazard.GetProperty("status").GetString());
        Assert.Equal(last.GetProperty("reviewer").GetString(), hazard.GetProperty("reviewedBy").GetString());
        foreach (var a in answers)
        {
            a.Dispose();
        }
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

    [Fact]
    public async Task RejectingAPoint_TakesItOutOfTheSuggestedAreas_AndConfirmingPutsItBack()
    {
        using var analyst = service.Client(Roles.Analyst);
        using var planner = service.Client(Roles.Planner);
        string hazardId = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[^4].Point.Id;
        Assert.Contains(hazardId, await AreaHazardIdsAsync(planner));

        (await analyst.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "reject", comment = "a stone" })).Dispose();
        Assert.DoesNotContain(hazardId, await AreaHazardIdsAsync(planner));

        (await analyst.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "confirm", comment = "on a second look" })).Dispose();
        Assert.Contains(hazardId, await AreaHazardIdsAsync(planner));
    }

    [Fact]
    public async Task AReclassifiedPoint_IsExportedWithTheNewClass_AndTheModelsClassBeside()
    {
        using var analyst = service.Client(Roles.Analyst);
        using var planner = service.Client(Roles.Planner);
        var point = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[^5].Point;
        string other = point.ClassName == "at_mine" ? "ap_mine" : "at_mine";

        using var review = await analyst.PostAsJsonAsync($"/api/hazards/{point.Id}/review", new { decision = "reclassify", label = other });
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);

        using var doc = JsonDocument.Parse(await planner.GetStringAsync($"/api/flights/{service.DemoFlightId}/hazards?format=geojson"));
        var feature = doc.RootElement.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("id").GetString() == point.Id);
        var p = feature.GetProperty("properties");
        Assert.Equal((other, point.ClassName, "confirmed"), (p.GetProperty("class").GetString(), p.GetProperty("model_class").GetString(), p.GetProperty("status").GetString()));
    }

    private async Task<List<string>> AreaHazardIdsAsync(HttpClient planner)
    {
        using var doc = JsonDocument.Parse(await planner.GetStringAsync($"/api/flights/{service.DemoFlightId}/hazards?format=geojson&layer=areas"));
        return doc.RootElement.GetProperty("features").EnumerateArray()
            .SelectMany(f => f.GetProperty("properties").GetProperty("hazard_ids").GetString()!.Split(';')).ToList();
    }

    [Fact]
    public async Task Reclassify_ToTheClassThePointHas_Is400_AndRecordsNothing()
    {
        using var client = service.Client(Roles.Analyst);
        var point = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[^3].Point;
        int before = service.Get<IFlightStore>().GetReviewHistory(point.Id).Count;

        using var same = await client.PostAsJsonAsync($"/api/hazards/{point.Id}/review", new { decision = "reclassify", label = point.ClassName.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
        Assert.Contains("already of class", await same.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, service.Get<IFlightStore>().GetReviewHistory(point.Id).Count);
    }

    [Fact]
    public async Task AHazard_NamesThePhotosOfItsObservationsByFileName()
    {
        using var client = service.Client(Roles.Analyst);
        string hazardId = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[0].Point.Id;

        var hazard = await client.GetFromJsonAsync<JsonElement>($"/api/hazards/{hazardId}");

        var names = hazard.GetProperty("observations").EnumerateArray().Select(o => o.GetProperty("fileName").GetString()).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Matches(@"^IMG_\d{4}\.jpg$", n));
    }

    [Theory]
    [InlineData("POST", "/api/hazards/hp-doesnotexist/review")]
    [InlineData("GET", "/api/hazards/hp-doesnotexist/reviews")]
    [InlineData("GET", "/api/hazards/hp-doesnotexist")]
    [InlineData("GET", "/api/flights/fl-doesnotexist")]
    [InlineData("GET", "/api/flights/fl-doesnotexist/hazards")]
    public async Task AnUnknownId_Is404_NamingTheIdAndNoServerPath(string method, string path)
    {
        using var client = service.Client(Roles.Admin);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { decision = "confirm" });
        }

        using var response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(path.Split('/')[3], body, StringComparison.Ordinal);
        Assert.DoesNotContain(service.DataDir, body, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), body, StringComparison.Ordinal);
        Assert.DoesNotContain(".db", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_WithAnOverlongCommentOrLabel_Is400_AndRecordsNothing()
    {
        using var client = service.Client(Roles.Analyst);
        string hazardId = service.Get<IFlightStore>().GetHazards(service.DemoFlightId)[^1].Point.Id;
        int before = service.Get<IFlightStore>().GetReviewHistory(hazardId).Count;

        using var comment = await client.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "confirm", comment = new string('c', 4001) });
        using var label = await client.PostAsJsonAsync($"/api/hazards/{hazardId}/review", new { decision = "reclassify", label = new string('l', 101) });

        Assert.Equal(HttpStatusCode.BadRequest, comment.StatusCode);
        Assert.Contains("4000", await comment.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, label.StatusCode);
        Assert.Equal(before, service.Get<IFlightStore>().GetReviewHistory(hazardId).Count);
    }
}
