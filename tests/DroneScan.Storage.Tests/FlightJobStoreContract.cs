using DroneScan.Core.Flights;
using DroneScan.Storage;

namespace DroneScan.Storage.Tests;

/// <summary><see cref="IFlightJobStore"/> and <see cref="IUserStore"/> behaviour every store shares; run once per store (classes at the end).</summary>
public abstract class FlightJobStoreContract : IDisposable
{
    private readonly StoreHarness db;
    private readonly string flightId;

    protected FlightJobStoreContract(StoreHarness db)
    {
        this.db = db;
        flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        Jobs.QueuePhotos(flightId, [new QueuedPhoto(TestData.PhotoId(1), "a.jpg"), new QueuedPhoto(TestData.PhotoId(2), "b.jpg")]);
    }

    private IFlightJobStore Jobs => (IFlightJobStore)db.Store;

    private IUserStore Users => (IUserStore)db.Store;

    public void Dispose()
    {
        db.Dispose();
        GC.SuppressFinalize(this);
    }

    private RunStart Run => new(flightId, "rgb", "1", TestData.ModelA, "{}");

    [Fact]
    public void StartWork_Twice_KeepsTheFirstRun()
    {
        var first = Jobs.StartWork(Run);
        var again = Jobs.StartWork(Run);

        Assert.Equal(first.RunId, again.RunId);
        Assert.Equal((FlightWorkState.Processing, 2, 0), (again.State, again.PhotosTotal, again.PhotosDone));
    }

    [Fact]
    public void MarkPhotoDone_CountsDown_AndIsIdempotent()
    {
        Jobs.StartWork(Run);

        Assert.Equal(1, Jobs.MarkPhotoDone(flightId, TestData.PhotoId(1)));
        Assert.Equal(1, Jobs.MarkPhotoDone(flightId, TestData.PhotoId(1)));
        Assert.Equal(0, Jobs.MarkPhotoDone(flightId, TestData.PhotoId(2)));
        Assert.Equal(2, Jobs.GetWork(flightId)!.PhotosDone);
    }

    [Fact]
    public void RestartWork_OnlyOnceDone_StoresTheSettings_AndTheNextStartIsANewRunOverEveryPhoto()
    {
        var settings = new FlightSettings { AglM = 60 };
        var first = Jobs.StartWork(Run);
        Jobs.MarkPhotoDone(flightId, TestData.PhotoId(1));
        Assert.False(Jobs.RestartWork(flightId, settings)); // still processing: nothing changes
        Jobs.MarkPhotoDone(flightId, TestData.PhotoId(2));
        Assert.True(Jobs.TryBeginFinalise(flightId));
        Assert.False(Jobs.RestartWork(flightId, settings)); // finalising
        Assert.True(db.Store.GetFlight(flightId)!.Flight.Settings!.IsDefault());
        Jobs.EndFinalise(flightId);

        Assert.True(Jobs.RestartWork(flightId, settings));

        Assert.Null(Jobs.GetWork(flightId));
        Assert.All(Jobs.GetQueuedPhotos(flightId), p => Assert.False(p.Done));
        Assert.Equal(settings, db.Store.GetFlight(flightId)!.Flight.Settings);
        var second = Jobs.StartWork(Run);
        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Equal((FlightWorkState.Processing, 2, 0), (second.State, second.PhotosTotal, second.PhotosDone));
        Assert.Throws<KeyNotFoundException>(() => Jobs.RestartWork("fl-nope", settings));
    }

    [Fact]
    public void TryBeginFinalise_SucceedsOnce_AndOnlyWhenNoPhotoRemains()
    {
        Jobs.StartWork(Run);
        Jobs.MarkPhotoDone(flightId, TestData.PhotoId(1));
        Assert.False(Jobs.TryBeginFinalise(flightId));

        Jobs.MarkPhotoDone(flightId, TestData.PhotoId(2));
        var wins = Enumerable.Range(0, 8).AsParallel().Select(_ => ((IFlightJobStore)db.OpenAnother()).TryBeginFinalise(flightId)).ToList();

        Assert.Equal(1, wins.Count(w => w));
        Assert.Equal(FlightWorkState.Finalising, Jobs.GetWork(flightId)!.State);
    }

    [Fact]
    public void DeleteFlight_RemovesEverything_ButRefusesAFlightWithReviews()
    {
        var work = Jobs.StartWork(Run);
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, work.RunId), [TestData.Obs(1, 0)]);

        Assert.True(Jobs.DeleteFlight(flightId));
        Assert.Null(db.Store.GetFlight(flightId));
        Assert.Empty(Jobs.GetQueuedPhotos(flightId));
        Assert.False(Jobs.DeleteFlight(flightId));
    }

    [Fact]
    public void DisableUser_RevokesItsTokens_MarksIt_AndKeepsTheFirstTime()
    {
        Users.CreateUser("ana", ["analyst"], "hash");
        Users.AddToken("ana", "abcdef");
        Users.CreateUser("bob", ["analyst"], "hash");
        Users.AddToken("bob", "012345");

        Assert.True(Users.DisableUser("ana"));
        var first = Users.FindUser("ana")!.DisabledAt;
        Assert.True(Users.DisableUser("ana"));

        Assert.Null(Users.FindUserByToken("abcdef"));
        Assert.NotNull(first);
        Assert.Equal(first, Users.FindUser("ana")!.DisabledAt);
        Assert.True(Users.FindUser("ana")!.Disabled);
        Assert.Equal(0, Users.RevokeTokens("ana"));
        Assert.Equal("bob", Users.FindUserByToken("012345")!.Name);
        Assert.False(Users.FindUser("bob")!.Disabled);
        Assert.False(Users.DisableUser("nobody"));
    }

    [Fact]
    public void SetPasswordHash_ReplacesOnlyThatUsersHash_AndKeepsItsTokens()
    {
        Users.CreateUser("ana", ["analyst"], "old-hash");
        Users.AddToken("ana", "abcdef");
        Users.CreateUser("bob", ["analyst"], "bob-hash");

        Assert.True(Users.SetPasswordHash("ana", "new-hash"));

        Assert.Equal(("new-hash", "bob-hash"), (Users.FindUser("ana")!.PasswordHash, Users.FindUser("bob")!.PasswordHash));
        Assert.Equal("ana", Users.FindUserByToken("abcdef")!.Name);
        Assert.False(Users.SetPasswordHash("nobody", "hash"));
    }

    [Fact]
    public void Users_AndTokens_AreFoundByHash_UntilRevoked()
    {
        Users.CreateUser("ana", ["analyst", "planner"], "hash");
        Users.AddToken("ana", "ABCDEF");

        Assert.Equal(["analyst", "planner"], Users.FindUserByToken("abcdef")!.Roles);
        Assert.Throws<InvalidOperationException>(() => Users.CreateUser("ana", ["admin"], "x"));
        Assert.Equal(1, Users.RevokeTokens("ana"));
        Assert.Null(Users.FindUserByToken("abcdef"));
    }

    [Fact]
    public void MarkPhotoDone_FromSeveralProcessesAtOnce_LeavesExactlyOneCallerSeeingZero()
    {
        var photos = Enumerable.Range(10, 24).Select(i => new QueuedPhoto(TestData.PhotoId(i), $"p{i}.jpg")).ToList();
        Jobs.QueuePhotos(flightId, photos);
        Jobs.StartWork(Run);
        Jobs.MarkPhotoDone(flightId, TestData.PhotoId(1));
        Jobs.MarkPhotoDone(flightId, TestData.PhotoId(2));
        var stores = Enumerable.Range(0, 4).Select(_ => (IFlightJobStore)db.OpenAnother()).ToList();

        var remaining = photos.Select((p, i) => (p, i)).AsParallel().WithDegreeOfParallelism(8)
            .Select(x => stores[x.i % stores.Count].MarkPhotoDone(flightId, x.p.PhotoId)).ToList();
        var finalisers = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8)
            .Select(i => stores[i % stores.Count].TryBeginFinalise(flightId)).ToList();

        Assert.Equal(1, remaining.Count(r => r == 0));
        Assert.Equal(Enumerable.Range(0, photos.Count).Reverse(), remaining.Order().Reverse());
        Assert.Equal(1, finalisers.Count(w => w));
        Jobs.EndFinalise(flightId);
        Assert.Equal((FlightWorkState.Done, 26, 26), (Jobs.GetWork(flightId)!.State, Jobs.GetWork(flightId)!.PhotosTotal, Jobs.GetWork(flightId)!.PhotosDone));
    }

    [Fact]
    public void QueuePhotos_KeepsRegisteredPhotos_AndRefusesAnUnknownFlight()
    {
        Jobs.StartWork(Run);
        Jobs.MarkPhotoDone(flightId, TestData.PhotoId(1));
        Jobs.QueuePhotos(flightId, [new QueuedPhoto(TestData.PhotoId(1), "renamed.jpg"), new QueuedPhoto(TestData.PhotoId(3), "c.jpg")]);

        Assert.Equal([("a.jpg", true), ("b.jpg", false), ("c.jpg", false)], Jobs.GetQueuedPhotos(flightId).Select(p => (p.RelativePath, p.Done)));
        Assert.Throws<KeyNotFoundException>(() => Jobs.QueuePhotos("no-such-flight", []));
        Assert.Throws<KeyNotFoundException>(() => Jobs.StartWork(Run with { FlightId = "no-such-flight" }));
        Assert.Null(Jobs.GetWork("no-such-flight"));
    }

    [Fact]
    public void GetQueuedPhoto_ReadsOnePhotoById_WithItsState()
    {
        Jobs.StartWork(Run);
        Jobs.MarkPhotoDone(flightId, TestData.PhotoId(2));

        Assert.Equal(new QueuedPhoto(TestData.PhotoId(1), "a.jpg", false), Jobs.GetQueuedPhoto(flightId, TestData.PhotoId(1)));
        Assert.Equal(new QueuedPhoto(TestData.PhotoId(2), "b.jpg", true), Jobs.GetQueuedPhoto(flightId, TestData.PhotoId(2)));
        Assert.Null(Jobs.GetQueuedPhoto(flightId, TestData.PhotoId(9)));
        Assert.Null(Jobs.GetQueuedPhoto("no-such-flight", TestData.PhotoId(1)));
    }

    [Fact]
    public void Users_AreListedByName_WithTheirCreationTime()
    {
        Users.CreateUser("zoe", ["admin"], "h1");
        Users.CreateUser("ana", [], "h2");

        Assert.Equal(["ana", "zoe"], Users.GetUsers().Select(u => u.Name));
        Assert.Empty(Users.FindUser("ana")!.Roles);
        Assert.Equal(db.Clock.GetUtcNow(), Users.FindUser("zoe")!.CreatedAt);
        Assert.Null(Users.FindUser("nobody"));
        Assert.Equal(0, Users.RevokeTokens("nobody"));
    }
}

public sealed class SqliteFlightJobStoreTests() : FlightJobStoreContract(new SqliteHarness());

public sealed class PostgresFlightJobStoreTests(PostgresServer server) : FlightJobStoreContract(new PostgresHarness(server)), IClassFixture<PostgresServer>;
