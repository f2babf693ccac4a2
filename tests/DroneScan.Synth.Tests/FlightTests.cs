using System.Text.Json;
using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;
using DroneScan.Synth.Flight;

namespace DroneScan.Synth.Tests;

/// <summary>One small flight (6 photos of 400 × 300 px at 25 m, 0.50 cm/px) written once for all the tests.</summary>
public sealed class SmallFlight : IDisposable
{
    public SmallFlight()
    {
        Folder = Directory.CreateTempSubdirectory("dronescan-flight-").FullName;
        Record = SyntheticFlight.Write(Options(seed: 7), Path.Combine(Folder, "a"));
    }

    public string Folder { get; }

    public string Path0 => Path.Combine(Folder, "a");

    public FlightRecord Record { get; }

    /// <summary>400 × 300 px with a 435 mm equivalent focal length: f = 435 · 500 / 43.2666 = 5027.2 px, so
    /// 25 m gives 0.497 cm/px and a 2.0 × 1.5 m footprint; two lines of three photos; a pair of targets 1 m apart.</summary>
    public static FlightOptions Options(int seed, double biasEastM = 0) => new()
    {
        Seed = seed,
        Photos = 6,
        Lines = 2,
        WidthPx = 400,
        HeightPx = 300,
        FocalLength35mm = 435,
        Targets = 2,
        Negatives = 0,
        GpsBiasEastM = biasEastM,
        Background = Background(),
    };

    public static BackgroundPhoto Background()
    {
        var (photos, problems) = Backgrounds.Resolve([Path.Combine(RepoRoot(), "data-samples", "caliterra", "IMG_9400.jpg") + "=55"]);
        Assert.Empty(problems);
        return Assert.Single(photos);
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DroneScan.sln not found");
    }

    public void Dispose() => Directory.Delete(Folder, true);
}

public sealed class FlightTests(SmallFlight flight) : IClassFixture<SmallFlight>
{
    private static GeoreferencedPhoto ReadBack(string folder, string file) =>
        PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(Path.Combine(folder, file)), new GeoreferenceOptions());

    private static GeoPoint TruthPoint(TruthItem item) => new(item.LatitudeDeg, item.LongitudeDeg);

    private static double MetresBetween(GeoPoint a, GeoPoint b) =>
        new LocalTangentPlane(a.LatitudeDeg, a.LongitudeDeg).ToEnu(b).HorizontalDistanceM;

    [Fact]
    public void Flight_SameSeed_GivesTheSameBytes_AndAnotherSeedDoesNot()
    {
        string again = Path.Combine(flight.Folder, "again"), other = Path.Combine(flight.Folder, "other");
        SyntheticFlight.Write(SmallFlight.Options(seed: 7), again);
        SyntheticFlight.Write(SmallFlight.Options(seed: 8), other);

        foreach (var name in new[] { "IMG_0001.jpg", "truth.geojson", "flight.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(flight.Path0, name)), File.ReadAllBytes(Path.Combine(again, name)));
        }

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(flight.Path0, "IMG_0001.jpg")), File.ReadAllBytes(Path.Combine(other, "IMG_0001.jpg")));
    }

    [Fact]
    public void Plan_IsALawnMower_WithTheAskedOverlaps()
    {
        var o = SmallFlight.Options(seed: 7);
        var (across, along) = FlightPlan.Footprint(o);
        var (spacing, step) = FlightPlan.Spacing(o);

        // f = 435 · √(400² + 300²) / 43.2666 = 5027.2 px → 400 px · 25 / 5027.2 = 1.989 m across, 1.492 m along.
        Assert.Equal(1.989, across, 3);
        Assert.Equal(1.492, along, 3);
        Assert.Equal(0.35 * along, step, 9);
        Assert.Equal(0.6 * across, spacing, 9);
        Assert.Equal([3, 3], FlightPlan.PhotosPerLine(o));
        var lines = flight.Record.Photos.GroupBy(p => p.Line).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines[0], p => Assert.InRange(p.GimbalYawDeg, 25, 35));
        Assert.All(lines[1], p => Assert.InRange(Math.Abs(p.GimbalYawDeg), 145, 155));
        Assert.All(flight.Record.Photos, p => Assert.InRange(p.GimbalPitchDeg, -90, -89));
    }

    [Fact]
    public void Metadata_RoundTripsThroughPhotoMetadataReader()
    {
        foreach (var photo in flight.Record.Photos)
        {
            var m = PhotoMetadataReader.Read(Path.Combine(flight.Path0, photo.File));
            var w = photo.Written;

            Assert.DoesNotContain(m.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.Equal((400, 300), (m.RawWidth, m.RawHeight));
            Assert.Equal(("DroneScan", "SynthCam-2000"), (m.Make, m.Model));
            Assert.Equal(435, m.FocalLength35mm);
            Assert.Equal(w.LatitudeDeg, m.LatitudeDeg!.Value, 10);
            Assert.Equal(w.LongitudeDeg, m.LongitudeDeg!.Value, 10);
            Assert.Equal(w.GpsAltitudeM, m.GpsAltitudeM!.Value, 6);
            Assert.Equal(250 + photo.AltitudeAglM, m.GpsAltitudeM!.Value, 6);
            Assert.Equal(photo.AltitudeAglM, m.Dji!.RelativeAltitudeM);
            Assert.Equal((photo.GimbalYawDeg, photo.GimbalPitchDeg, photo.GimbalRollDeg), (m.Dji.GimbalYawDeg!.Value, m.Dji.GimbalPitchDeg!.Value, m.Dji.GimbalRollDeg!.Value));
            Assert.Equal(w.FlightYawDeg, m.Dji.FlightYawDeg);
            Assert.Equal(w.CapturedLocal, m.CapturedAt!.Local);
            Assert.Equal(TimeSpan.FromHours(4), m.CapturedAt.UtcOffset);

            // Without a GPS bias the written position is the true one.
            Assert.Equal(photo.LatitudeDeg, m.LatitudeDeg!.Value, 10);
        }

        var times = flight.Record.Photos.Select(p => p.Written.CapturedLocal).ToList();
        Assert.All(times.Zip(times.Skip(1)), t => Assert.True(t.Second > t.First));
    }

    [Fact]
    public void ReadBack_Georeferences_FromRelativeAltitudeAndGimbal()
    {
        foreach (var photo in flight.Record.Photos)
        {
            var g = ReadBack(flight.Path0, photo.File);

            Assert.NotNull(g.Georeference);
            Assert.Equal("dji-relative", g.AltitudeSource);
            Assert.Equal("dji-gimbal-xmp", g.AttitudeSource);
            Assert.Equal(435 * 500 / CameraIntrinsics.FullFrameDiagonalMm, g.FocalLengthPx!.Value, 6);
            Assert.Equal(photo.AltitudeAglM / g.FocalLengthPx.Value, g.Georeference!.CentreGsdM!.Value, 4);
        }
    }

    [Fact]
    public void TruthProjectedWithDroneScansOwnGeoreference_LandsOnTheDrawnItem()
    {
        var truth = flight.Record.Items.ToDictionary(i => i.Id);
        int checkedItems = 0;
        foreach (var photo in flight.Record.Photos)
        {
            var georeference = ReadBack(flight.Path0, photo.File).Georeference!;
            foreach (var drawn in photo.Items.Where(i => i.InFrame))
            {
                var truthPoint = TruthPoint(truth[drawn.Id]);
                var projected = georeference.GroundToPixel(truthPoint)!.Value;
                Assert.True(Math.Abs(projected.U - drawn.CentreU) < 2 && Math.Abs(projected.V - drawn.CentreV) < 2, $"{photo.File} {drawn.Id}: truth projects to ({projected.U:0.00}, {projected.V:0.00}), drawn at ({drawn.CentreU:0.00}, {drawn.CentreV:0.00})");
                Assert.InRange(projected.U, drawn.X1, drawn.X2);
                Assert.InRange(projected.V, drawn.Y1, drawn.Y2);

                var located = georeference.PixelToGround(new PixelPoint(drawn.CentreU, drawn.CentreV))!.Value;
                Assert.True(MetresBetween(truthPoint, located) < 0.05, $"{photo.File} {drawn.Id}: {MetresBetween(truthPoint, located):0.000} m from the truth");
                checkedItems++;
            }
        }

        Assert.True(checkedItems >= 2, $"only {checkedItems} item views checked");
    }

    [Fact]
    public void PlantedPair_IsOneMetreApart_AndBothTargetsAreSeen()
    {
        var items = flight.Record.Items;

        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.True(i.Target));
        double apart = Math.Sqrt(Math.Pow(items[0].EastM - items[1].EastM, 2) + Math.Pow(items[0].NorthM - items[1].NorthM, 2));
        Assert.Equal(1.0, apart, 2);
        Assert.All(items, i => Assert.NotEmpty(i.VisibleIn));
    }

    [Fact]
    public void TruthGeoJson_VisibleIn_MatchesWhereTheTruthProjectsInsideTheFrame()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(flight.Path0, "truth.geojson")));
        Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
        var photos = flight.Record.Photos.Select(p => (p.File, Georeference: ReadBack(flight.Path0, p.File).Georeference!)).ToList();
        foreach (var feature in doc.RootElement.GetProperty("features").EnumerateArray())
        {
            var c = feature.GetProperty("geometry").GetProperty("coordinates");
            var point = new GeoPoint(c[1].GetDouble(), c[0].GetDouble());
            var props = feature.GetProperty("properties");
            var visibleIn = props.GetProperty("visible_in").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
            Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(props.GetProperty("class").GetString()));
            double sizeCm = props.GetProperty("size_cm").GetDouble();

            foreach (var (file, georeference) in photos)
            {
                var p = georeference.GroundToPixel(point)!.Value;
                double margin = (sizeCm / 200 / georeference.CentreGsdM!.Value) + 8;
                double inset = Math.Min(Math.Min(p.U, 400 - p.U), Math.Min(p.V, 300 - p.V));
                if (visibleIn.Contains(file))
                {
                    Assert.True(inset >= 8, $"{file}: listed, but only {inset:0.0} px inside the frame");
                }
                else
                {
                    Assert.True(inset < margin + 1, $"{file}: not listed, yet {inset:0.0} px inside the frame");
                }
            }
        }
    }

    [Fact]
    public void GpsBias_MovesWhatDroneScanLocates_ButNotTheTruth()
    {
        string biased = Path.Combine(flight.Folder, "biased");
        var record = SyntheticFlight.Write(SmallFlight.Options(seed: 7, biasEastM: 0.8), biased);
        var item = record.Items[0];
        var truthFrame = new LocalTangentPlane(item.LatitudeDeg, item.LongitudeDeg);
        Assert.Equal(flight.Record.Items[0].LatitudeDeg, item.LatitudeDeg, 12);

        var photo = record.Photos.First(p => p.Items.Any(i => i.Id == item.Id && i.InFrame));
        var drawn = photo.Items.First(i => i.Id == item.Id);
        var located = ReadBack(biased, photo.File).Georeference!.PixelToGround(new PixelPoint(drawn.CentreU, drawn.CentreV))!.Value;
        var offset = truthFrame.ToEnu(located);

        Assert.Equal(0.8, offset.EastM, 1);
        Assert.Equal(0.0, offset.NorthM, 1);
    }
}

public sealed class DemoFlightSampleTests
{
    [Fact]
    public void ShippedDemoFlight_TruthLandsOnTheDrawnItems_InEveryPhoto()
    {
        string folder = Path.Combine(SmallFlight.RepoRoot(), "data-samples", "demo-flight");
        var record = FlightJson.ReadFlight(Path.Combine(folder, "flight.json"));
        var truth = record.Items.ToDictionary(i => i.Id);
        int views = 0;
        foreach (var photo in record.Photos)
        {
            var georeference = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(Path.Combine(folder, photo.File)), new GeoreferenceOptions()).Georeference;
            Assert.NotNull(georeference);
            foreach (var drawn in photo.Items.Where(i => i.InFrame))
            {
                var p = georeference.GroundToPixel(new GeoPoint(truth[drawn.Id].LatitudeDeg, truth[drawn.Id].LongitudeDeg))!.Value;
                Assert.True(Math.Abs(p.U - drawn.CentreU) < 2 && Math.Abs(p.V - drawn.CentreV) < 2, $"{photo.File} {drawn.Id}");
                Assert.Contains(photo.File, truth[drawn.Id].VisibleIn);
                views++;
            }
        }

        Assert.Equal(record.Items.Sum(i => i.VisibleIn.Count), views);
        Assert.InRange(record.Photos.Count, 12, 20);
    }
}
