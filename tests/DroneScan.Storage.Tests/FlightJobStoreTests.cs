using DroneScan.Storage;
using DroneScan.Storage.Sqlite;

namespace DroneScan.Storage.Tests;

public sealed class FlightJobStoreTests : IDisposable
{
    private readonly SqliteHarness db = new();
    private readonly string flightId;

    public FlightJobStoreTests()
    {
        flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        db.Store.QueuePhotos(flightId, [new QueuedPhoto(TestData.PhotoId(1), "a.jpg"), new QueuedPhoto(TestData.PhotoId(2), "b.jpg")]);
    }

    public void Dispose() => db.Dispose();

    private RunStart Run => new(flightId, "rgb", "1", TestData.ModelA, "{}");

    [Fact]
    public void StartWork_Twice_KeepsTheFirstRun()
    {
        var first = db.Store.StartWork(Run);
        var again = db.Store.StartWork(Run);

        Assert.Equal(first.RunId, again.RunId);
        Assert.Equal((FlightWorkState.Processing, 2, 0), (again.State, again.PhotosTotal, again.PhotosDone));
    }

    [Fact]
    public void MarkPhotoDone_CountsDown_AndIsIdempotent()
    {
        db.Store.StartWork(Run);

        Assert.Equal(1, db.Store.MarkPhotoDone(flightId, TestData.PhotoId(1)));
        Assert.Equal(1, db.Store.MarkPhotoDone(flightId, TestData.PhotoId(1)));
        Assert.Equal(0, db.Store.MarkPhotoDone(flightId, TestData.PhotoId(2)));
        Assert.Equal(2, db.Store.GetWork(flightId)!.PhotosDone);
    }

    [Fact]
    public void TryBeginFinalise_SucceedsOnce_AndOnlyWhenNoPhotoRemains()
    {
        db.Store.StartWork(Run);
        db.Store.MarkPhotoDone(flightId, TestData.PhotoId(1));
        Assert.False(db.Store.TryBeginFinalise(flightId));

        db.Store.MarkPhotoDone(flightId, TestData.PhotoId(2));
        var wins = Enumerable.Range(0, 8).AsParallel().Select(_ => ((SqliteFlightStore)db.OpenAnother()).TryBeginFinalise(flightId)).ToList();

        Assert.Equal(1, wins.Count(w => w));
        Assert.Equal(FlightWorkState.Finalising, db.Store.GetWork(flightId)!.State);
    }

    [Fact]
    public void DeleteFlight_RemovesEverything_ButRefusesAFlightWithReviews()
    {
        var work = db.Store.StartWork(Run);
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, work.RunId), [TestData.Obs(1, 0)]);

        Assert.True(db.Store.DeleteFlight(flightId));
        Assert.Null(db.Store.GetFlight(flightId));
        Assert.Empty(db.Store.GetQueuedPhotos(flightId));
        Assert.False(db.Store.DeleteFlight(flightId));
    }

    [Fact]
    public void Users_AndTokens_AreFoundByHash_UntilRevoked()
    {
        db.Store.CreateUser("ana", ["analyst", "planner"], "hash");
        db.Store.AddToken("ana", "ABCDEF");

        Assert.Equal(["analyst", "planner"], db.Store.FindUserByToken("abcdef")!.Roles);
        Assert.Throws<InvalidOperationException>(() => db.Store.CreateUser("ana", ["admin"], "x"));
        Assert.Equal(1, db.Store.RevokeTokens("ana"));
        Assert.Null(db.Store.FindUserByToken("abcdef"));
    }
}
