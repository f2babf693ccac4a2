using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

/// <summary><c>POST /api/flights/{id}/hazards/bulk-reject</c>: the weak candidates of a flight rejected at once, each
/// with its own review record, the suggested areas rebuilt; bad values are 400 naming the field.</summary>
[Collection(ServiceGroup.Name)]
public sealed class BulkRejectTests(ServiceFixture service)
{
    [Fact]
    public async Task BulkReject_RejectsEachCandidateBelowTheThreshold_WithItsOwnReview_AndLeavesReviewedPointsAlone()
    {
        string flightId = await OwnFlightAsync("bulk reject");
        var store = service.Get<IFlightStore>();
        var before = store.GetHazards(flightId);
        Assert.True(before.Count >= 3, $"the photos gave {before.Count} hazard points; the test needs 3");
        using var analyst = service.Client(Roles.Analyst);

        // The weakest point confirmed first: a bulk reject never overturns a review.
        string confirmed = before[^1].Point.Id;
        (await analyst.PostAsJsonAsync($"/api/hazards/{confirmed}/review", new { decision = "confirm" })).Dispose();
        double below = before[0].Point.MaxConfidence;
        var expected = before.Where(h => h.Point.Id != confirmed && h.Point.MaxConfidence < below).Select(h => h.Point.Id).Order().ToList();
        Assert.NotEmpty(expected);

        using var response = await analyst.PostAsJsonAsync($"/api/flights/{flightId}/hazards/bulk-reject", new { below, comment = " weak candidates " });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.Count, body.GetProperty("rejected").GetInt32());
        Assert.Equal(expected, body.GetProperty("hazardIds").EnumerateArray().Select(e => e.GetString()!).Order());
        foreach (string id in expected)
        {
            var review = Assert.Single(store.GetReviewHistory(id));
            Assert.Equal((ReviewDecision.Reject, "weak candidates", "analyst-user"), (review.Decision, review.Comment, review.Reviewer));
        }

        var after = store.GetHazards(flightId).ToDictionary(h => h.Point.Id);
        Assert.Equal(HazardStatus.Confirmed, after[confirmed].Status);
        Assert.Equal(HazardStatus.Candidate, after[before[0].Point.Id].Status);
        Assert.All(expected, id => Assert.Equal(HazardStatus.Rejected, after[id].Status));
        Assert.Empty(store.GetAreas(flightId).SelectMany(a => a.HazardIds).Intersect(expected));

        // Reviews are an audit trail: the flight can no longer be deleted.
        using var admin = service.Client(Roles.Admin);
        using var delete = await admin.DeleteAsync($"/api/flights/{flightId}");
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.NotNull(store.GetFlight(flightId));
    }

    [Theory]
    [InlineData("{\"below\": 1.5}")]
    [InlineData("{\"below\": -0.1}")]
    [InlineData("{\"below\": \"half\"}")]
    [InlineData("{\"comment\": \"no threshold\"}")]
    public async Task BulkReject_WithABadThreshold_Is400NamingTheField_AndRecordsNothing(string json)
    {
        using var analyst = service.Client(Roles.Analyst);
        int reviews = Reviews(service.DemoFlightId);

        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await analyst.PostAsync($"/api/flights/{service.DemoFlightId}/hazards/bulk-reject", content);
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.StartsWith("below:", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(reviews, Reviews(service.DemoFlightId));
    }

    [Fact]
    public async Task BulkReject_IsForAnalysts_AndAnUnknownFlightIs404()
    {
        int reviews = Reviews(service.DemoFlightId);
        using var planner = service.Client(Roles.Planner);
        using var analyst = service.Client(Roles.Analyst);

        using var refused = await planner.PostAsJsonAsync($"/api/flights/{service.DemoFlightId}/hazards/bulk-reject", new { below = 1.0 });
        using var missing = await analyst.PostAsJsonAsync("/api/flights/fl-doesnotexist/hazards/bulk-reject", new { below = 0.5 });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(reviews, Reviews(service.DemoFlightId));
    }

    private int Reviews(string flightId) => service.Get<IFlightStore>().GetHazards(flightId).Sum(h => service.Get<IFlightStore>().GetReviewHistory(h.Point.Id).Count);

    /// <summary>A flight of its own (four demo photos): the demo flight's points are reviewed by other tests.</summary>
    private async Task<string> OwnFlightAsync(string name)
    {
        using var operatorClient = service.Client(Roles.Operator);
        var photos = Enumerable.Range(1, 4).Select(i => Path.Combine(TestPaths.DemoFlight, $"IMG_{i:0000}.jpg"));
        string id = await ServiceFixture.UploadFilesAsync(operatorClient, photos, name);
        await ServiceFixture.WaitForDoneAsync(operatorClient, id);
        return id;
    }
}
