using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;

namespace DroneScan.Imaging.Tests;

/// <summary>
/// Height above ground from the DJI laser range finder, on ZH20T-style photos written with exiftool by
/// tools/fixtures/make-lrf-photos.sh: the drone flies 95.036 m above its take-off point, the ground under the
/// image centre is 23.917 m higher, so the laser's true height is 71.119 m (and the relative altitude is
/// 33.6 % too high).
/// </summary>
public sealed class LaserRangeTests
{
    // Hand-computed: 71.120 m × sin 89.9°, 86.820 m × sin 55°, 75.683 m × sin 70° all give 71.119 m; so does
    // AbsoluteAltitude − LRFTargetAbsAlt = 252.519 − 181.400.
    private const double LaserTruthM = 71.119;

    private static string Fixture(string name) =>
        Path.Combine(TestData.RepositoryRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "lrf", name);

    private static GeoreferencedPhoto Resolve(string name) =>
        PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(Fixture(name)), new GeoreferenceOptions());

    [Fact]
    public void Read_ParsesLaserStatusAndTargetAbsoluteAltitude()
    {
        var dji = PhotoMetadataReader.Read(Fixture("DJI_0102_T.JPG")).Dji;

        Assert.NotNull(dji);
        Assert.Equal("Normal", dji.LrfStatus);
        Assert.Equal(86.82, dji.LrfTargetDistanceM);
        Assert.Equal(181.4, dji.LrfTargetAbsoluteAltitudeM);
        Assert.Equal(23.917, dji.LrfTargetAltitudeM);
    }

    [Theory]
    [InlineData("DJI_0101_T.JPG")] // nadir, target altitude written
    [InlineData("DJI_0102_T.JPG")] // −55°, target altitude written
    [InlineData("DJI_0103_T.JPG")] // −70°, slant range × sin(−pitch) only
    public void Resolve_TakesHeightFromLaser_WithinTwoPercentOfLaserTruth(string name)
    {
        var photo = Resolve(name);

        Assert.Equal("dji-lrf", photo.AltitudeSource);
        Assert.NotNull(photo.AltitudeAglM);
        double relativeError = Math.Abs(photo.AltitudeAglM.Value - LaserTruthM) / LaserTruthM;
        Assert.True(relativeError < 0.02, $"{name}: {photo.AltitudeAglM:0.###} m is {relativeError:P2} from the laser's {LaserTruthM} m");
        Assert.Equal(181.4, photo.GroundElevationM!.Value, 0.01);
        Assert.True(photo.IsGeoreferenced);
        Assert.DoesNotContain(photo.Diagnostics, d => d.Code == DiagnosticCodes.LaserRangeUnusable);

        // What it replaces: the take-off-relative altitude is a third too high over this ground.
        double relative = photo.Metadata.Dji!.RelativeAltitudeM!.Value;
        Assert.True((relative - LaserTruthM) / LaserTruthM > 0.3);
    }

    [Fact]
    public void Resolve_GivesLaserHeightItsOwnErrorModel()
    {
        var nadir = Resolve("DJI_0101_T.JPG");
        var oblique = Resolve("DJI_0102_T.JPG");

        // Nadir: √((0.2 + 0.0015 · 71.12)² + (71.12 · cos 89.9° · 1°)² + 1²) = √(0.3067² + 0.0022² + 1) = 1.0460 m.
        Assert.Equal(1.0460, nadir.Errors!.AltitudeSigmaM, 3);

        // −55°: range term 0.2 + 0.0015 · 86.82 = 0.3302; pitch term 86.82 · cos 55° · π/180 = 0.8691;
        // √(0.3302² + 0.8691² + 1) = 1.3654 m.
        Assert.Equal(1.3654, oblique.Errors!.AltitudeSigmaM, 3);
    }

    [Fact]
    public void Resolve_FallsBackToRelativeAltitude_WithWarning_WhenLaserStatusIsNotNormal()
    {
        var photo = Resolve("DJI_0104_T.JPG");

        Assert.Equal("dji-relative", photo.AltitudeSource);
        Assert.Equal(95.036, photo.AltitudeAglM);
        Assert.Null(photo.GroundElevationM);
        var warning = Assert.Single(photo.Diagnostics, d => d.Code == DiagnosticCodes.LaserRangeUnusable);
        Assert.Equal("LRFStatus", warning.Field);
        Assert.Equal("DJI_0104_T.JPG", warning.File);
        Assert.Contains("NoSignal", warning.Message, StringComparison.Ordinal);
    }
}
