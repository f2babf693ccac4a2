using System.Data.Common;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;

namespace DroneScan.Storage.Tests;

/// <summary>Behaviour every <see cref="IFlightStore"/> shares; run once per store (classes at the end).</summary>
public abstract class HazardReviewContract : IDisposable
{
    private readonly StoreHarness db;
    private readonly string flightId;

    protected HazardReviewContract(StoreHarness db)
    {
        this.db = db;
        flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        long run = db.Store.StartRun(new RunStart(flightId, "rgb", "1", TestData.ModelA, "{}"));
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, run), [TestData.Obs(1, 0), TestData.Obs(1, 1, "uxo", 0.5)]);
        db.Store.SavePhotoResult(flightId, TestData.Photo(2, run), [TestData.Obs(2, 0, "ap_mine", 0.9)]);
    }

    public void Dispose()
    {
        db.Dispose();
        GC.SuppressFinalize(this);
    }

    private static HazardPoint H1 => TestData.Hazard("hz-1", TestData.Obs(2, 0, "ap_mine", 0.9), TestData.Obs(1, 0));

    private static HazardPoint H2 => TestData.Hazard("hz-2", TestData.Obs(1, 1, "uxo", 0.5));

    private static SuggestedHazardArea Area(params string[] ids) => new("sha-1", TestData.Square(37.2, 48.1, 5e-4), 4321.5, ids, 25);

    [Fact]
    public void ReplaceAreas_BuildsFromThePointsWithTheirReviewStatus_AndReplacesTheAreas()
    {
        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), [Area("hz-1", "hz-2")]);
        db.Store.AddReview("hz-1", ReviewDecision.Reject, null, "a tin can", "ana");

        IReadOnlyList<ReviewedHazard>? seen = null;
        var written = db.Store.ReplaceAreas(flightId, hazards =>
        {
            seen = hazards;
            return SuggestedAreas.BuildReviewed(hazards, 5);
        });

        Assert.Equal([("hz-1", HazardStatus.Rejected), ("hz-2", HazardStatus.Candidate)], seen!.Select(h => (h.Point.Id, h.Status)).OrderBy(x => x.Id));
        var stored = Assert.Single(db.Store.GetAreas(flightId));
        Assert.Equal(["hz-2"], stored.HazardIds);
        Assert.Equal(written.Single().Id, stored.Id);
        Assert.Throws<KeyNotFoundException>(() => db.Store.ReplaceAreas("fl-nope", _ => []));
    }

    [Fact]
    public void Reclassify_ToTheClassThePointHas_IsRefused_AndRecordsNothing()
    {
        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), []);

        // The model's class, in another case: refused.
        Assert.Throws<ArgumentException>(() => db.Store.AddReview("hz-1", ReviewDecision.Reclassify, " AP_MINE ", null, "ana"));
        Assert.Empty(db.Store.GetReviewHistory("hz-1"));

        // After a reclassification, that class is the point's: reclassifying to it again is refused, to the model's
        // class (going back) is allowed.
        db.Store.AddReview("hz-1", ReviewDecision.Reclassify, "uxo", null, "ana");
        Assert.Throws<ArgumentException>(() => db.Store.AddReview("hz-1", ReviewDecision.Reclassify, "uxo", null, "bob"));
        Assert.Single(db.Store.GetReviewHistory("hz-1"));
        db.Store.AddReview("hz-1", ReviewDecision.Reclassify, "ap_mine", null, "bob");
        Assert.Equal(2, db.Store.GetReviewHistory("hz-1").Count);
    }

    [Fact]
    public void FinalClass_IsTheLatestReclassification_AndALaterDecisionKeepsIt()
    {
        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), []);
        db.Store.AddReview("hz-1", ReviewDecision.Reclassify, "uxo", null, "ana");
        db.Store.AddReview("hz-1", ReviewDecision.Reject, null, "not a mine after all", "bob");

        var hazards = db.Store.GetHazards(flightId).ToDictionary(h => h.Point.Id);
        Assert.Equal(("uxo", "ap_mine", HazardStatus.Rejected), (hazards["hz-1"].FinalClass, hazards["hz-1"].Point.ClassName, hazards["hz-1"].Status));
        Assert.Equal(("uxo", (string?)null), (hazards["hz-2"].FinalClass, hazards["hz-2"].ReclassifiedAs));
    }

    [Fact]
    public void HazardPoint_RoundTrips_WithObservationsCoverageAndAreas()
    {
        var result = db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), [Area("hz-1", "hz-2")]);
        Assert.Equal(new HazardReplaceResult(2, 0, []), result with { OrphanedHazardIds = [] });
        Assert.Empty(result.OrphanedHazardIds);

        var hazards = db.Store.GetHazards(flightId);
        Assert.Equal(["hz-1", "hz-2"], hazards.Select(h => h.Point.Id));
        var p = hazards[0].Point;
        var e = H1;
        Assert.Equal((e.Position, e.ClassName, e.MaxConfidence, e.MeanConfidence, e.SigmaM, e.R90M, HazardStatus.Candidate), (p.Position, p.ClassName, p.MaxConfidence, p.MeanConfidence, p.SigmaM, p.R90M, p.Status));
        Assert.Equal(e.ClassVotes, p.ClassVotes);
        Assert.Equal(e.Observations, p.Observations);
        Assert.Null(hazards[0].LatestReview);

        var coverage = db.Store.GetCoverage(flightId)!;
        Assert.True(coverage.Covered.EqualsExact(TestData.Coverage().Covered));
        Assert.Equal((12345.5, 0.01, 3), (coverage.AreaM2, coverage.MaxGsdM, coverage.PhotoCount));
        var area = Assert.Single(db.Store.GetAreas(flightId));
        Assert.Equal(("sha-1", 4321.5, 25.0), (area.Id, area.AreaM2, area.BufferM));
        Assert.Equal(["hz-1", "hz-2"], area.HazardIds);
        Assert.True(area.Area.EqualsExact(Area().Area));
        Assert.Equal(FlightStatus.Finalised, db.Store.GetFlight(flightId)!.Flight.Status);
    }

    [Fact]
    public void HazardStatus_EqualsTheLatestReview()
    {
        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), []);

        db.Store.AddReview("hz-1", ReviewDecision.Unsure, null, "shadow?", "ana");
        Assert.Equal(HazardStatus.Unsure, db.Store.GetHazards(flightId)[0].Status);
        db.Clock.Advance(TimeSpan.FromMinutes(5));
        db.Store.AddReview("hz-1", ReviewDecision.Reclassify, "at_mine", "TM-62 visible", "ben");
        db.Store.AddReview("hz-2", ReviewDecision.Reject, null, "rock", "ana");

        // A back-dated entry (e.g. synced from a field tablet) does not override a later decision.
        db.Store.AddReview("hz-1", ReviewDecision.Reject, null, "late sync", "cy", db.Clock.Now.AddHours(-1));

        var confirmed = Assert.Single(db.Store.GetHazards(flightId, HazardStatus.Confirmed));
        Assert.Equal("hz-1", confirmed.Point.Id);
        Assert.Equal(new HazardReview("ben", db.Clock.Now, "at_mine", "TM-62 visible"), confirmed.LatestReview);
        Assert.Equal("hz-2", Assert.Single(db.Store.GetHazards(flightId, HazardStatus.Rejected)).Point.Id);
        Assert.Empty(db.Store.GetHazards(flightId, HazardStatus.Candidate));
        var summary = db.Store.GetFlight(flightId)!;
        Assert.Equal((0, 1, 1, 0), (summary.HazardsCandidate, summary.HazardsConfirmed, summary.HazardsRejected, summary.HazardsUnsure));
    }

    [Fact]
    public void RejectCandidatesBelow_RejectsEachWeakCandidateWithItsOwnReview_AndRebuildsTheAreasOnce()
    {
        var h3 = TestData.Hazard("hz-3", TestData.Obs(1, 1, "uxo", 0.5));
        db.Store.ReplaceHazards(flightId, [H1, H2, h3], TestData.Coverage(), [Area("hz-1", "hz-2", "hz-3")]);
        db.Store.AddReview("hz-3", ReviewDecision.Confirm, null, "seen on site", "ana");
        int builds = 0;

        // H2 and hz-3 are below 0.6; hz-3 is confirmed already and keeps its review.
        var written = db.Store.RejectCandidatesBelow(flightId, 0.6, "weak", "ben", hazards =>
        {
            builds++;
            return SuggestedAreas.BuildReviewed(hazards, 5);
        });

        var review = Assert.Single(written);
        Assert.Equal(("hz-2", ReviewDecision.Reject, "weak", "ben", flightId), (review.HazardId, review.Decision, review.Comment, review.Reviewer, review.FlightId));
        Assert.Equal(1, builds);
        Assert.Equal([review], db.Store.GetReviewHistory("hz-2"));
        Assert.Equal(HazardStatus.Rejected, db.Store.GetHazards(flightId).Single(h => h.Point.Id == "hz-2").Status);
        Assert.Equal([ReviewDecision.Confirm], db.Store.GetReviewHistory("hz-3").Select(r => r.Decision));
        Assert.Empty(db.Store.GetReviewHistory("hz-1"));
        Assert.DoesNotContain("hz-2", db.Store.GetAreas(flightId).SelectMany(a => a.HazardIds));

        // Nothing left below the threshold: no review, and the areas are not rebuilt.
        Assert.Empty(db.Store.RejectCandidatesBelow(flightId, 0.6, null, "ben", _ => throw new InvalidOperationException("not rebuilt")));
        Assert.Throws<KeyNotFoundException>(() => db.Store.RejectCandidatesBelow("fl-nope", 0.6, null, "ben", _ => []));
    }

    [Fact]
    public void RejectCandidatesBelow_WritesNothing_WhenTheAreaBuildFails()
    {
        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), [Area("hz-1", "hz-2")]);

        Assert.Throws<InvalidOperationException>(() => db.Store.RejectCandidatesBelow(flightId, 1.1, null, "ben", _ => throw new InvalidOperationException("boom")));

        Assert.Empty(db.Store.GetReviewHistory("hz-1"));
        Assert.Empty(db.Store.GetReviewHistory("hz-2"));
        Assert.Equal(2, db.Store.GetHazards(flightId, HazardStatus.Candidate).Count);
        Assert.Equal(["hz-1", "hz-2"], Assert.Single(db.Store.GetAreas(flightId)).HazardIds);
    }

    [Fact]
    public void AddReview_Refuses_UnknownHazardsAndReclassifyWithoutLabel()
    {
        db.Store.ReplaceHazards(flightId, [H1], TestData.Coverage(), []);
        Assert.Throws<KeyNotFoundException>(() => db.Store.AddReview("hz-9", ReviewDecision.Confirm, null, null, "ana"));
        Assert.Throws<ArgumentException>(() => db.Store.AddReview("hz-1", ReviewDecision.Reclassify, null, null, "ana"));
        Assert.Empty(db.Store.GetReviewHistory("hz-1"));
    }

    [Fact]
    public void Reviews_AreAppendOnly_AndSurviveReplaceHazardsWithTheSameIds()
    {
        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), []);
        db.Store.AddReview("hz-1", ReviewDecision.Confirm, null, "clear", "ana");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        db.Store.AddReview("hz-1", ReviewDecision.Unsure, null, "second look", "ben");

        var result = db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), []);

        Assert.Equal(1, result.ReviewedHazardCount);
        Assert.Empty(result.OrphanedHazardIds);
        Assert.Equal(HazardStatus.Unsure, db.Store.GetHazards(flightId)[0].Status);
        var history = db.Store.GetReviewHistory("hz-1");
        Assert.Equal([ReviewDecision.Confirm, ReviewDecision.Unsure], history.Select(r => r.Decision));
        Assert.Equal(["ana", "ben"], history.Select(r => r.Reviewer));

        // Even a direct SQL edit of the audit trail is refused, by the database itself.
        Assert.Contains("append-only", Assert.ThrowsAny<DbException>(() => db.ExecuteSql("UPDATE reviews SET decision = 'reject';")).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<DbException>(() => db.ExecuteSql("DELETE FROM reviews;"));
        Assert.Equal(2, db.Store.GetReviewHistory("hz-1").Count);
    }

    [Fact]
    public void OrphanReview_IsKeptAndReported_AndReattachesWhenThePointReturns()
    {
        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), []);
        db.Store.AddReview("hz-2", ReviewDecision.Reject, null, "rock", "ana");

        var result = db.Store.ReplaceHazards(flightId, [H1], TestData.Coverage(), []);

        Assert.Equal(["hz-2"], result.OrphanedHazardIds);
        Assert.Equal("hz-2", Assert.Single(db.Store.GetOrphanReviews(flightId)).HazardId);
        Assert.Single(db.Store.GetReviewHistory("hz-2"));
        Assert.Equal(1, db.Store.GetFlight(flightId)!.OrphanReviews);
        Assert.Equal(["hz-1"], db.Store.GetHazards(flightId).Select(h => h.Point.Id));

        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), []);
        Assert.Equal(HazardStatus.Rejected, Assert.Single(db.Store.GetHazards(flightId, HazardStatus.Rejected)).Status);
        Assert.Empty(db.Store.GetOrphanReviews(flightId));
    }

    [Fact]
    public void ReplaceHazards_LeavesThePreviousSet_WhenItFails()
    {
        db.Store.ReplaceHazards(flightId, [H1, H2], TestData.Coverage(), [Area("hz-1")]);
        var ghost = TestData.Hazard("hz-3", TestData.Obs(7, 0));

        Assert.Throws<InvalidOperationException>(() => db.Store.ReplaceHazards(flightId, [H1, ghost], TestData.Coverage() with { PhotoCount = 99 }, []));

        Assert.Equal(["hz-1", "hz-2"], db.Store.GetHazards(flightId).Select(h => h.Point.Id));
        Assert.Equal(3, db.Store.GetCoverage(flightId)!.PhotoCount);
        Assert.Single(db.Store.GetAreas(flightId));
    }
}

public sealed class SqliteHazardReviewTests() : HazardReviewContract(new SqliteHarness());

public sealed class PostgresHazardReviewTests(PostgresServer server) : HazardReviewContract(new PostgresHarness(server)), IClassFixture<PostgresServer>;
