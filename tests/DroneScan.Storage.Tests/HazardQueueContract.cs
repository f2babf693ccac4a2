using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;

namespace DroneScan.Storage.Tests;

/// <summary>Hazard points by id, the paged review queue and the review's conditional areas rebuild; run once per store.</summary>
public abstract class HazardQueueContract : IDisposable
{
    private readonly StoreHarness db;
    private readonly string flightA;
    private readonly string flightB;

    protected HazardQueueContract(StoreHarness db)
    {
        this.db = db;
        flightA = Seed("field-a", 0, 12);
        flightB = Seed("field-b", 100, 5);
    }

    public void Dispose()
    {
        db.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A flight with <paramref name="count"/> points; confidences repeat in pairs, so ties need the id.</summary>
    private string Seed(string name, int first, int count)
    {
        string flightId = db.Store.UpsertFlight(TestData.Flight(name)).Id;
        long run = db.Store.StartRun(new RunStart(flightId, "rgb", "1", TestData.ModelA, "{}"));
        var observations = Enumerable.Range(0, count).Select(i => TestData.Obs(first + 1, i, i % 3 == 0 ? "uxo" : "ap_mine", 0.1)).ToList();
        db.Store.SavePhotoResult(flightId, TestData.Photo(first + 1, run, $"IMG_{first + 1}.JPG"), observations);
        var hazards = observations.Select((o, i) => TestData.Hazard($"hz-{first + i:000}", o with { Confidence = 0.9 - (i / 2 * 0.1) })).ToList();
        db.Store.ReplaceHazards(flightId, hazards, TestData.Coverage(), SuggestedAreas.Build(hazards, 5));
        return flightId;
    }

    private List<QueuedHazard> AllPages(HazardQuery query)
    {
        var all = new List<QueuedHazard>();
        for (HazardCursor? after = null; ;)
        {
            var page = db.Store.GetHazardPage(query with { After = after, Limit = 5 });
            Assert.True(page.Items.Count <= 5);
            all.AddRange(page.Items);
            if (page.Next is null)
            {
                return all;
            }

            after = page.Next;
        }
    }

    [Fact]
    public void GetHazard_FindsThePointById_WithItsFlightObservationsFileNamesAndReviews()
    {
        db.Store.AddReview("hz-101", ReviewDecision.Reclassify, "at_mine", "big one", "ana");
        db.Store.AddReview("hz-101", ReviewDecision.Confirm, null, null, "bob");

        var found = db.Store.GetHazard("hz-101")!;

        Assert.Equal(flightB, found.FlightId);
        var expected = db.Store.GetHazards(flightB).Single(h => h.Point.Id == "hz-101");
        Assert.Equal(expected.Point.Observations, found.Hazard.Point.Observations);
        Assert.Equal((expected.Point.Position, expected.Point.MaxConfidence, HazardStatus.Confirmed), (found.Hazard.Point.Position, found.Hazard.Point.MaxConfidence, found.Hazard.Status));
        Assert.Equal(("bob", "at_mine"), (found.Hazard.LatestReview!.Reviewer, found.Hazard.FinalClass));
        Assert.Equal(new Dictionary<string, string> { [TestData.PhotoId(101)] = "IMG_101.JPG" }, found.PhotoFileNames);
        Assert.Null(db.Store.GetHazard("hz-nope"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void QueuePages_FollowOneAnotherWithoutGapOrRepeat_InConfidenceOrder(bool ascending)
    {
        var pages = AllPages(new HazardQuery { FlightId = flightA, Ascending = ascending });

        var expected = db.Store.GetHazards(flightA).Select(h => h.Point.Id).ToList();
        if (ascending)
        {
            expected.Reverse();
        }

        Assert.Equal(expected, pages.Select(q => q.Hazard.Point.Id));
        Assert.All(pages, q => Assert.Equal((flightA, 1), (q.FlightId, q.ObservationCount)));
        Assert.All(pages, q => Assert.Empty(q.Hazard.Point.Observations));
    }

    [Fact]
    public void Queue_FiltersByFlightStatusClassAndConfidence_AndCountsTheWholeQueue()
    {
        db.Store.AddReview("hz-000", ReviewDecision.Reject, null, null, "ana");
        db.Store.AddReview("hz-003", ReviewDecision.Reclassify, "at_mine", null, "ana");

        var everything = AllPages(new HazardQuery());
        Assert.Equal(17, everything.Count);
        Assert.Equal(everything.OrderByDescending(q => q.Hazard.Point.MaxConfidence).ThenBy(q => q.Hazard.Point.Id, StringComparer.Ordinal).Select(q => q.Hazard.Point.Id),
            everything.Select(q => q.Hazard.Point.Id));

        var candidates = db.Store.GetHazardPage(new HazardQuery { FlightId = flightA, Status = HazardStatus.Candidate, Limit = 3, CountTotal = true });
        Assert.Equal(10, candidates.Total);
        Assert.Equal(3, candidates.Items.Count);
        Assert.DoesNotContain(candidates.Items, q => q.Hazard.Point.Id == "hz-000");

        // The model's class, in any case; the final class after a reclassification shows on the item.
        var uxo = AllPages(new HazardQuery { FlightId = flightA, ClassName = "UXO" });
        Assert.Equal(["hz-000", "hz-003", "hz-006", "hz-009"], uxo.Select(q => q.Hazard.Point.Id).Order(StringComparer.Ordinal));
        Assert.Equal("at_mine", uxo.Single(q => q.Hazard.Point.Id == "hz-003").Hazard.FinalClass);
        Assert.Equal("ana", uxo.Single(q => q.Hazard.Point.Id == "hz-000").Hazard.LatestReview!.Reviewer);

        var strong = AllPages(new HazardQuery { MinConfidence = 0.7 });
        Assert.All(strong, q => Assert.True(q.Hazard.Point.MaxConfidence >= 0.7));
        Assert.Equal(everything.Count(q => q.Hazard.Point.MaxConfidence >= 0.7), strong.Count);

        var all = db.Store.GetHazardPage(new HazardQuery { FlightId = flightB, Limit = int.MaxValue, CountTotal = true });
        Assert.Equal((5, (int?)5, (HazardCursor?)null), (all.Items.Count, all.Total, all.Next));
    }

    [Fact]
    public void AddReview_RebuildsTheAreas_OnlyWhenTheReviewMovesThePointAcrossRejected()
    {
        int builds = 0;
        IReadOnlyList<SuggestedHazardArea> Build(IReadOnlyList<ReviewedHazard> hazards)
        {
            builds++;
            return SuggestedAreas.BuildReviewed(hazards, 5);
        }

        db.Store.AddReview("hz-001", ReviewDecision.Confirm, null, null, "ana", buildAreas: Build);
        db.Store.AddReview("hz-001", ReviewDecision.Unsure, null, null, "ana", buildAreas: Build);
        Assert.Equal(0, builds);
        Assert.Contains("hz-001", db.Store.GetAreas(flightA).SelectMany(a => a.HazardIds));

        db.Store.AddReview("hz-001", ReviewDecision.Reject, null, null, "ana", buildAreas: Build);
        Assert.Equal(1, builds);
        Assert.DoesNotContain("hz-001", db.Store.GetAreas(flightA).SelectMany(a => a.HazardIds));
        Assert.Equal(
            SuggestedAreas.BuildReviewed(db.Store.GetHazards(flightA), 5).Select(a => (a.Id, a.HazardIds.Count)),
            db.Store.GetAreas(flightA).Select(a => (a.Id, a.HazardIds.Count)));

        db.Store.AddReview("hz-001", ReviewDecision.Reject, null, null, "bob", buildAreas: Build);
        Assert.Equal(1, builds);

        db.Store.AddReview("hz-001", ReviewDecision.Confirm, null, null, "bob", buildAreas: Build);
        Assert.Equal(2, builds);
        Assert.Contains("hz-001", db.Store.GetAreas(flightA).SelectMany(a => a.HazardIds));

        // Flight B's areas were never touched.
        Assert.Equal(5, db.Store.GetAreas(flightB).Sum(a => a.HazardIds.Count));
    }

    [Fact]
    public void AddReview_WritesNothing_WhenTheAreasRebuildFails()
    {
        Assert.Throws<InvalidOperationException>(() =>
            db.Store.AddReview("hz-002", ReviewDecision.Reject, null, null, "ana", buildAreas: _ => throw new InvalidOperationException("boom")));

        Assert.Empty(db.Store.GetReviewHistory("hz-002"));
        Assert.Equal(HazardStatus.Candidate, db.Store.GetHazard("hz-002")!.Hazard.Status);
    }
}

public sealed class SqliteHazardQueueTests() : HazardQueueContract(new SqliteHarness());

public sealed class PostgresHazardQueueTests(PostgresServer server) : HazardQueueContract(new PostgresHarness(server)), IClassFixture<PostgresServer>;
