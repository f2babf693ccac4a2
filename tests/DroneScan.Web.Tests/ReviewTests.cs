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

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
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
