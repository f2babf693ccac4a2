using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;

namespace DroneScan.Storage.Tests;

/// <summary>Behaviour every <see cref="IFlightStore"/> shares; run once per store (classes at the end).</summary>
public abstract class PhotoStoreContract : IDisposable
{
    private readonly StoreHarness db;
    private readonly string flightId;

    protected PhotoStoreContract(StoreHarness db)
    {
        this.db = db;
        flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
    }

    public void Dispose()
    {
        db.Dispose();
        GC.SuppressFinalize(this);
    }

    private long Run(string sha = TestData.ModelA) => db.Store.StartRun(new RunStart(flightId, "rgb", "1", sha, "{}"));

    [Fact]
    public void Observation_RoundTrips_WithEveryField()
    {
        long run = Run();
        var photo = TestData.Photo(1, run);
        Observation[] observations =
        [
            TestData.Obs(1, 0) with { GroundElevationM = 1817.25, HeightSource = "dji-lrf+dem" },
            TestData.Obs(1, 1, "uxo", 0.33) with { GroundBox = null, CaptureTime = null },
        ];

        db.Store.SavePhotoResult(flightId, photo, observations);

        var loaded = db.Store.LoadObservations(flightId);
        Assert.Equal(observations, loaded);
        Assert.Equal(4326, loaded[0].GroundBox!.SRID);
        Assert.True(loaded[0].GroundBox!.EqualsExact(observations[0].GroundBox!));

        var coverage = Assert.Single(db.Store.LoadPhotoCoverage(flightId));
        Assert.Equal(photo.PhotoId, coverage.PhotoId);
        Assert.True(coverage.Footprint!.EqualsExact(photo.Footprint!));
        Assert.Equal(photo.GsdM, coverage.CentreGsdM);
        Assert.Equal(photo.CapturedAt, coverage.CapturedAt);
    }

    [Fact]
    public void SavePhotoResult_DoesNotDuplicate_AcrossReRunsAndRenames()
    {
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, Run()), [TestData.Obs(1, 0), TestData.Obs(1, 1)]);
        db.Store.SavePhotoResult(flightId, TestData.Photo(2, null), []);

        // Second run: the same content under a new name, with one detection fewer.
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, Run(), "renamed/IMG_1.jpg"), [TestData.Obs(1, 0)]);

        var summary = db.Store.GetFlight(flightId)!;
        Assert.Equal(2, summary.PhotosOk);
        Assert.Equal(1, summary.Detections);
        var coverage = db.Store.LoadPhotoCoverage(flightId);
        Assert.Equal(["renamed/IMG_1.jpg", "DJI_0002.JPG"], coverage.Select(c => c.FileName));
    }

    [Fact]
    public void SavePhotoResult_KeepsPreviousDetections_WhenTheTransactionFailsHalfWay()
    {
        long run = Run();
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, run), [TestData.Obs(1, 0), TestData.Obs(1, 1)]);
        var before = db.Store.LoadObservations(flightId);

        // The hook runs after the old rows were deleted and the new ones inserted, just before commit.
        db.BeforeCommit = op => throw new IOException("disk full during " + op);
        Assert.Throws<IOException>(() => db.Store.SavePhotoResult(flightId, TestData.Photo(1, run, "other.jpg"), [TestData.Obs(1, 5, "uxo")]));
        db.BeforeCommit = null;

        Assert.Equal(before, db.Store.LoadObservations(flightId));
        Assert.Equal("DJI_0001.JPG", Assert.Single(db.Store.LoadPhotoCoverage(flightId)).FileName);
    }

    [Fact]
    public void SavePhotoResult_Refuses_ObservationsOfAnotherPhotoOrRepeatedIndexes()
    {
        Assert.Throws<ArgumentException>(() => db.Store.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(2, 0)]));
        Assert.Throws<ArgumentException>(() => db.Store.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(1, 0), TestData.Obs(1, 0)]));
        Assert.Empty(db.Store.LoadPhotoCoverage(flightId));
    }

    [Fact]
    public void GetProcessedPhotoIds_ReturnsOkPhotos_OfTheSameModelOnly()
    {
        long runA = Run(TestData.ModelA);
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, runA), [TestData.Obs(1, 0)]);
        db.Store.SavePhotoResult(flightId, TestData.Photo(2, runA), []);
        db.Store.MarkPhotoSkipped(flightId, TestData.Photo(3, runA), new SkippedPhoto("DJI_0003.JPG", "no-gps", "no GPS position"));
        db.Store.MarkPhotoFailed(flightId, TestData.Photo(4, runA), new SkippedPhoto("DJI_0004.JPG", "unreadable", "truncated JPEG"));
        long runB = Run(TestData.ModelB);
        db.Store.SavePhotoResult(flightId, TestData.Photo(5, runB), []);

        Assert.Equal([TestData.PhotoId(1), TestData.PhotoId(2)], db.Store.GetProcessedPhotoIds(flightId, TestData.ModelA).Order());
        Assert.Equal([TestData.PhotoId(5)], db.Store.GetProcessedPhotoIds(flightId, TestData.ModelB.ToUpperInvariant()));
        Assert.Empty(db.Store.GetProcessedPhotoIds("fl-other", TestData.ModelA));

        // Re-processing photo 1 with model B moves it to B.
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, runB), []);
        Assert.Equal([TestData.PhotoId(2)], db.Store.GetProcessedPhotoIds(flightId, TestData.ModelA));
    }

    [Fact]
    public void APhoto_RecordsItsOwnModel_WhichDecidesWhetherItIsProcessed()
    {
        // One run, two models (automatic model choice): each photo is processed for the model it ran through.
        long run = Run(TestData.ModelA);
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, run, "DJI_0001_W.JPG") with { ModelName = "rgb", ModelSha256 = TestData.ModelA }, []);
        db.Store.SavePhotoResult(flightId, TestData.Photo(2, run, "DJI_0001_T.JPG") with { ModelName = "thermal", ModelSha256 = TestData.ModelB.ToUpperInvariant() }, []);

        Assert.Equal([TestData.PhotoId(1)], db.Store.GetProcessedPhotoIds(flightId, TestData.ModelA));
        Assert.Equal([TestData.PhotoId(2)], db.Store.GetProcessedPhotoIds(flightId, TestData.ModelB));
        Assert.Equal(
            [new PhotoModel(TestData.PhotoId(2), "DJI_0001_T.JPG", "thermal", TestData.ModelB), new PhotoModel(TestData.PhotoId(1), "DJI_0001_W.JPG", "rgb", TestData.ModelA)],
            db.Store.LoadPhotoModels(flightId));
    }

    [Fact]
    public void APhotoWithoutItsOwnModel_TakesItsRunsModel()
    {
        // Rows written before the store kept the model per photo.
        long run = Run(TestData.ModelA);
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, run, "DJI_0001.JPG"), []);
        db.Store.MarkPhotoSkipped(flightId, TestData.Photo(3, run, "DJI_0003.JPG"), new SkippedPhoto("DJI_0003.JPG", "no-gps", "no GPS position"));

        Assert.Equal([new PhotoModel(TestData.PhotoId(1), "DJI_0001.JPG", "rgb", TestData.ModelA)], db.Store.LoadPhotoModels(flightId));
        Assert.Equal([TestData.PhotoId(1)], db.Store.GetProcessedPhotoIds(flightId, TestData.ModelA));
    }

    [Fact]
    public void MarkPhotoSkipped_RemovesDetections_AndIsListedWithItsReason()
    {
        long run = Run();
        db.Store.SavePhotoResult(flightId, TestData.Photo(1, run), [TestData.Obs(1, 0)]);
        db.Store.MarkPhotoSkipped(flightId, TestData.Photo(1, run), new SkippedPhoto("DJI_0001.JPG", "gsd-too-coarse", "GSD 3 cm > 1.5 cm"));
        db.Store.MarkPhotoFailed(flightId, TestData.Photo(2, run), new SkippedPhoto("DJI_0002.JPG", "unreadable", "truncated JPEG"));

        Assert.Empty(db.Store.LoadObservations(flightId));
        Assert.Empty(db.Store.LoadPhotoCoverage(flightId));
        Assert.Equal(
            [new SkippedPhoto("DJI_0001.JPG", "gsd-too-coarse", "GSD 3 cm > 1.5 cm"), new SkippedPhoto("DJI_0002.JPG", "unreadable", "truncated JPEG")],
            db.Store.GetSkippedPhotos(flightId));
        var summary = db.Store.GetFlight(flightId)!;
        Assert.Equal((0, 1, 1), (summary.PhotosOk, summary.PhotosSkipped, summary.PhotosFailed));
    }
}

public sealed class SqlitePhotoStoreTests() : PhotoStoreContract(new SqliteHarness());

public sealed class PostgresPhotoStoreTests(PostgresServer server) : PhotoStoreContract(new PostgresHarness(server)), IClassFixture<PostgresServer>;
