using System.Text.Json;
using DroneScan.Core.Geodesy;

namespace DroneScan.Cli.Tests;

public class InspectCommandTests
{
    // senseFly Swinglet sample: Canon ELPH 300 HS (6.17 mm sensor), 4.3 mm, 3600 × 2700 px, XMP Height 72.1695 m.
    private const double SenecaAglM = 72.169525149999998;
    private const double SenecaGsdM = SenecaAglM * 6.17 / (4.3 * 3600); // 0.0287634 m/px
    private const double SenecaLat = 41.0380947000278;
    private const double SenecaLon = -83.3063119000083;
    private const double SenecaHeadingDeg = 60.909950260000002;
    private const double SenecaGpsAltitudeM = 282.6510009;

    // The local frame DroneScan uses: tangent at the camera, origin at its GPS altitude, ground AGL below.
    private static readonly LocalTangentPlane SenecaFrame = new(SenecaLat, SenecaLon, SenecaGpsAltitudeM);
    private const double SenecaGroundHeightM = SenecaGpsAltitudeM - SenecaAglM;

    private static readonly string[] ContractFields =
    [
        "file", "width", "height", "make", "model", "capturedAt", "latitude", "longitude", "altitudeAglM", "altitudeSource",
        "groundElevationM", "demFile", "yawDeg", "pitchDeg", "rollDeg", "attitudeSource", "focalLengthPx", "gsdM", "center", "footprint", "uncertaintyM", "warnings",
    ];

    [Fact]
    public void Json_HasEveryContractField_ForARealPhoto()
    {
        var run = CliRun.Of("inspect", "--json", TestData.Seneca);

        Assert.Equal(0, run.ExitCode);
        var photo = Assert.Single(run.JsonLines());
        foreach (var field in ContractFields)
        {
            Assert.True(photo.TryGetProperty(field, out _), $"missing '{field}'");
        }

        Assert.Equal("IMG_0504.jpg", photo.GetProperty("file").GetString());
        Assert.Equal(JsonValueKind.Array, photo.GetProperty("warnings").ValueKind);
    }

    [Fact]
    public void Json_ReportsLaserHeightAndGroundElevation_ForAPhotoWithALaserRange()
    {
        var photo = Assert.Single(CliRun.Of("inspect", "--json", TestData.LaserNadir).JsonLines());

        Assert.Equal("dji-lrf", photo.GetProperty("altitudeSource").GetString());
        Assert.Equal(252.519 - 181.400, photo.GetProperty("altitudeAglM").GetDouble(), 3);
        Assert.Equal(181.4, photo.GetProperty("groundElevationM").GetDouble(), 3);
        Assert.Equal(JsonValueKind.Null, photo.GetProperty("demFile").ValueKind);
    }

    [Theory]
    [InlineData("rgb-3-bands.tif", "3 bands")]
    [InlineData("not-a-tiff.tif", "not a TIFF")]
    [InlineData("web-mercator.tif", "EPSG:3857")]
    public void Dem_ThatCannotBeUsed_FailsNamingTheFileAndTheProblem(string dem, string problem)
    {
        string folder = Path.Combine(TestData.RepoRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "dem");
        var run = CliRun.Of("inspect", "--json", "--dem", Path.Combine(folder, dem), TestData.LaserNadir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{dem}: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(folder, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void Json_GivesHandComputedGsdFootprintAndCentre_ForTheSenseFlySample()
    {
        var photo = Assert.Single(CliRun.Of("inspect", "--json", TestData.Seneca).JsonLines());

        Assert.True(photo.GetProperty("georeferenced").GetBoolean());
        Assert.Equal(3600, photo.GetProperty("width").GetInt32());
        Assert.Equal(2700, photo.GetProperty("height").GetInt32());
        Assert.Equal("sensefly-height", photo.GetProperty("altitudeSource").GetString());
        Assert.Equal(SenecaAglM, photo.GetProperty("altitudeAglM").GetDouble(), 3);
        Assert.Equal(SenecaGsdM, photo.GetProperty("gsdM").GetDouble(), 6);

        // Assumed nadir: the centre is straight below the camera.
        var centre = photo.GetProperty("center");
        Assert.Equal(SenecaLat, centre.GetProperty("lat").GetDouble(), 8);
        Assert.Equal(SenecaLon, centre.GetProperty("lon").GetDouble(), 8);

        // 3600 × 2700 px at 2.876 cm/px = 103.55 m × 77.66 m = 8042 m².
        double expectedArea = 3600 * 2700 * SenecaGsdM * SenecaGsdM;
        Assert.Equal(expectedArea, photo.GetProperty("footprintAreaM2").GetDouble(), 0.1);
        var footprint = photo.GetProperty("footprint");
        Assert.Equal("Polygon", footprint.GetProperty("type").GetString());
        var ring = footprint.GetProperty("coordinates")[0];
        Assert.Equal(5, ring.GetArrayLength());
        Assert.Equal(ring[0].ToString(), ring[4].ToString());

        // GeoJSON positions are [lon, lat] and every corner is half a diagonal from the centre.
        double halfDiagonal = Math.Sqrt((1800 * 1800) + (1350 * 1350)) * SenecaGsdM;
        for (int i = 0; i < 4; i++)
        {
            var corner = SenecaFrame.ToEnu(new GeoPoint(ring[i][1].GetDouble(), ring[i][0].GetDouble()), SenecaGroundHeightM);
            Assert.Equal(halfDiagonal, corner.HorizontalDistanceM, 0.002);
        }
    }

    [Fact]
    public void Pixel_LandsAlongTheImageRightAxis_RotatedByTheHeading()
    {
        // 100 px right of centre; image right points heading + 90° (clockwise from north).
        var photo = Assert.Single(CliRun.Of("inspect", "--json", "--pixel", "1900,1350", TestData.Seneca).JsonLines());

        var ground = photo.GetProperty("pixelGround");
        var enu = SenecaFrame.ToEnu(new GeoPoint(ground.GetProperty("lat").GetDouble(), ground.GetProperty("lon").GetDouble()), SenecaGroundHeightM);
        double bearing = SenecaHeadingDeg + 90;
        Assert.Equal(100 * SenecaGsdM * Math.Sin(bearing * Math.PI / 180), enu.EastM, 0.001); // output rounds to 1e-9° ≈ 0.1 mm
        Assert.Equal(100 * SenecaGsdM * Math.Cos(bearing * Math.PI / 180), enu.NorthM, 0.001);
        Assert.True(ground.GetProperty("uncertaintyM").GetProperty("r90").GetDouble() > 0);
    }

    [Fact]
    public void Json_ReportsNotGeoreferenced_WithTheReason_WhenAPhotoHasNoHeightAboveGround()
    {
        var photo = Assert.Single(CliRun.Of("inspect", "--json", TestData.Caliterra).JsonLines());

        Assert.False(photo.GetProperty("georeferenced").GetBoolean());
        Assert.Equal(JsonValueKind.Null, photo.GetProperty("gsdM").ValueKind);
        var error = Assert.Single(photo.GetProperty("errors").EnumerateArray());
        Assert.Equal("no-altitude", error.GetProperty("code").GetString());
        Assert.Contains("--agl", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Agl_MakesACanonPhotoGeoreferenceable_WithTheTableSensorWidth()
    {
        var photo = Assert.Single(CliRun.Of("inspect", "--json", "--agl", "60", TestData.Caliterra).JsonLines());

        Assert.True(photo.GetProperty("georeferenced").GetBoolean());
        Assert.Equal("user-agl", photo.GetProperty("altitudeSource").GetString());
        Assert.Equal("camera-table", photo.GetProperty("focalLengthSource").GetString());
        Assert.Equal(60 * 6.17 / (4.5 * 4000), photo.GetProperty("gsdM").GetDouble(), 6); // 2.06 cm/px
    }

    [Fact]
    public void SensorWidth_OverridesTheCameraTable()
    {
        var photo = Assert.Single(CliRun.Of("inspect", "--json", "--agl", "60", "--sensor-width", "7.0", TestData.Caliterra).JsonLines());

        Assert.Equal("user-sensor-width", photo.GetProperty("focalLengthSource").GetString());
        Assert.Equal(4.5 * 4000 / 7.0, photo.GetProperty("focalLengthPx").GetDouble(), 1);
    }

    [Fact]
    public void AFolder_IsExpandedToItsPhotos()
    {
        var run = CliRun.Of("inspect", "--json", Path.GetDirectoryName(TestData.Garfield)!);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("IMG_161122_164543_0124_RGB.JPG", Assert.Single(run.JsonLines()).GetProperty("file").GetString());
    }

    [Fact]
    public void ABadFile_IsReportedWithItsName_AndTheOtherPhotosAreStillInspected()
    {
        string dir = Directory.CreateTempSubdirectory("dronescan-cli-").FullName;
        try
        {
            string bad = Path.Combine(dir, "notes.jpg");
            File.WriteAllText(bad, "this is not a photo");
            var run = CliRun.Of("inspect", "--json", bad, TestData.Seneca);

            Assert.Equal(0, run.ExitCode);
            var lines = run.JsonLines();
            Assert.Equal(2, lines.Count);
            Assert.Equal("notes.jpg", lines[0].GetProperty("file").GetString());
            Assert.Contains(lines[0].GetProperty("errors").EnumerateArray(), e => e.GetProperty("code").GetString() == "unreadable-file");
            Assert.True(lines[1].GetProperty("georeferenced").GetBoolean());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AMissingPath_IsNamedOnStandardError_AndTheExitCodeIsNonZero()
    {
        var run = CliRun.Of("inspect", "/no/such/photo.jpg");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("/no/such/photo.jpg", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--agl", "50", "--ground-elevation", "300")]
    [InlineData("--pixel", "12;34")]
    [InlineData("--agl", "-5")]
    public void BadOptions_AreRejectedWithAMessage(params string[] options)
    {
        var run = CliRun.Of(["inspect", .. options, TestData.Seneca]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(run.Error));
    }

    [Fact]
    public void Table_ListsEachPhotoAndItsDiagnostics()
    {
        var run = CliRun.Of("inspect", TestData.Seneca, TestData.Caliterra);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("IMG_0504.jpg", run.Output, StringComparison.Ordinal);
        Assert.Contains("2.88", run.Output, StringComparison.Ordinal); // GSD, cm/px
        Assert.Contains("2 photo(s), 1 georeferenced.", run.Output, StringComparison.Ordinal);
        Assert.Contains("IMG_9400.jpg: error [no-altitude]", run.Output, StringComparison.Ordinal);
    }
}
