using DroneScan.Core.Camera;
using DroneScan.Core.Georeferencing;
using static DroneScan.Core.Tests.TestCameras;

namespace DroneScan.Core.Tests;

public class UncertaintyTests
{
    /// <summary>30 × (π/180) = 0.5235988 m: ground shift of the nadir point per degree of tilt at 30 m
    /// (first order; 30 tan 1° = 0.5236519 differs by 5e-5 m).</summary>
    private const double MetresPerDegreeAt30m = 30 * Math.PI / 180;

    /// <summary>Distance between two axis azimuths modulo 180° (an axis at 0° is the same as one at 180°).</summary>
    private static double AxisDistanceDeg(double a, double b)
    {
        double d = Math.Abs(a - b) % 180;
        return Math.Min(d, 180 - d);
    }

    // ---- 8. HorizontalUncertainty -----------------------------------------------------------------------

    [Fact]
    public void FromCovariance_Circular_GivesSigmaAndRayleighR90()
    {
        // σ² = 9 per axis: σ = 3; the radius is Rayleigh-distributed, P(R ≤ r) = 1 − exp(−r²/2σ²) = 0.9 →
        // r = σ √(−2 ln 0.1) = 3 × 2.1459660 = 6.4378981 m.
        var u = HorizontalUncertainty.FromCovariance(9, 0, 9);
        Assert.Equal(3, u.SigmaM, 1e-12);
        Assert.Equal(6.43790, u.R90M, 1e-3);
        Assert.Equal(3, u.SemiMajorM, 1e-12);
        Assert.Equal(3, u.SemiMinorM, 1e-12);
    }

    [Fact]
    public void FromCovariance_OneDimensional_GivesTheTwoSided90PercentNormalQuantile()
    {
        // λ₂ = 0: the error is N(0, σ²) on a line, P(|X| ≤ r) = 0.9 → r = 1.6448536 σ (z at 0.95).
        // σ = 2 → R90 = 3.2897 m; SigmaM = √((4 + 0)/2) = √2.
        var u = HorizontalUncertainty.FromCovariance(4, 0, 0);
        Assert.Equal(1.6448536 * 2, u.R90M, 2e-3);
        Assert.Equal(Math.Sqrt(2), u.SigmaM, 1e-12);
        Assert.Equal(2, u.SemiMajorM, 1e-12);
        Assert.Equal(0, u.SemiMinorM, 1e-12);
    }

    [Fact]
    public void FromCovariance_Zero_IsAllZero()
    {
        var u = HorizontalUncertainty.FromCovariance(0, 0, 0);
        Assert.Equal(0, u.SigmaM);
        Assert.Equal(0, u.R90M);
    }

    [Theory]
    [InlineData(0, 0, 4, 0)]      // only north variance → major axis north-south
    [InlineData(4, 0, 0, 90)]     // only east variance → east-west
    [InlineData(1, 0.5, 1, 45)]   // positive E/N correlation → north-east
    [InlineData(1, -0.5, 1, 135)] // negative → south-east / north-west
    public void FromCovariance_MajorAxisAzimuth_IsCompassDegrees(double ee, double en, double nn, double azimuth)
    {
        Assert.True(AxisDistanceDeg(azimuth, HorizontalUncertainty.FromCovariance(ee, en, nn).MajorAxisAzimuthDeg) < 1e-9);
    }

    [Fact]
    public void FromCovariance_CorrelatedEqualVariances_HasEigenvaluesOneAndAHalfAndAHalf()
    {
        // [[1, .5], [.5, 1]]: eigenvalues 1.5 and 0.5.
        var u = HorizontalUncertainty.FromCovariance(1, 0.5, 1);
        Assert.Equal(Math.Sqrt(1.5), u.SemiMajorM, 1e-12);
        Assert.Equal(Math.Sqrt(0.5), u.SemiMinorM, 1e-12);
        Assert.Equal(1, u.SigmaM, 1e-12);
        Assert.InRange(u.R90M, 1.6448536 * Math.Sqrt(1.5), 2.1459660 * Math.Sqrt(1.5));
    }

    // ---- 9. UncertaintyAt -------------------------------------------------------------------------------

    [Fact]
    public void UncertaintyAt_GpsOnly_IsTheGpsSigma()
    {
        var photo = Georeference(Nadir(), new ErrorModel(3, 3, 0, 0, 0, 0));
        var u = photo.UncertaintyAt(Centre);
        Assert.Equal(3, u.SigmaM, 1e-12);
        Assert.Equal(6.43790, u.R90M, 1e-3);

        // camera position errors move every pixel alike
        Assert.Equal(3, photo.UncertaintyAt(new PixelPoint(0, 0)).SigmaM, 1e-12);
    }

    [Fact]
    public void UncertaintyAt_PitchOnly_MovesTheNadirCentreNorthSouth()
    {
        // At nadir, 30 m: ground north of the centre = 30 tan(pitch + 90°); d/dpitch = 30 m/rad = 0.5236 m/°.
        // One axis: SemiMajor 0.5236, SemiMinor 0, SigmaM = 0.5236/√2 = 0.37024, axis north-south.
        var u = Georeference(Nadir(), new ErrorModel(0, 0, 0, 0, 1, 0)).UncertaintyAt(Centre);
        Assert.Equal(MetresPerDegreeAt30m, u.SemiMajorM, 1e-4);
        Assert.Equal(30 * Math.Tan(Math.PI / 180), u.SemiMajorM, 1e-4);
        Assert.Equal(0, u.SemiMinorM, 1e-9);
        Assert.Equal(0.37024, u.SigmaM, 1e-4);
        Assert.True(AxisDistanceDeg(0, u.MajorAxisAzimuthDeg) < 1e-6);
    }

    [Fact]
    public void UncertaintyAt_PitchOnly_IsEastWest_WhenYawIs90()
    {
        var u = Georeference(Nadir(90), new ErrorModel(0, 0, 0, 0, 1, 0)).UncertaintyAt(Centre);
        Assert.Equal(MetresPerDegreeAt30m, u.SemiMajorM, 1e-4);
        Assert.True(AxisDistanceDeg(90, u.MajorAxisAzimuthDeg) < 1e-6);
    }

    [Fact]
    public void UncertaintyAt_AltitudeOnly_IsZeroAtTheNadirAndRadialElsewhere()
    {
        // Ground offset = AGL × (pixel offset / f), so ∂/∂AGL = d / AGL: with σ_AGL = 2 m, a pixel 1000 px right
        // of centre (d = 1000 × 30/3648 = 8.2237 m east) has an east-west error 8.2237 × 2/30 = 0.54825 m.
        var photo = Georeference(Nadir(), new ErrorModel(0, 0, 2, 0, 0, 0));
        Assert.Equal(0, photo.UncertaintyAt(Centre).SigmaM, 1e-9);

        var u = photo.UncertaintyAt(Centre with { U = Centre.U + 1000 });
        Assert.Equal(0.54825, u.SemiMajorM, 1e-5);
        Assert.Equal(0, u.SemiMinorM, 1e-9);
        Assert.True(AxisDistanceDeg(90, u.MajorAxisAzimuthDeg) < 1e-6);

        // Radial also on a diagonal: 1000 px right and 1000 px up → north-east, d = 11.6300 m, 0.77533 m.
        var diag = photo.UncertaintyAt(new PixelPoint(Centre.U + 1000, Centre.V - 1000));
        Assert.Equal(Math.Sqrt(2) * 1000 * Gsd30 * 2 / 30, diag.SemiMajorM, 1e-5);
        Assert.True(AxisDistanceDeg(45, diag.MajorAxisAzimuthDeg) < 1e-6);
    }

    [Fact]
    public void UncertaintyAt_YawOnly_IsTangential()
    {
        // A pixel 1000 px right of centre lies d = 8.2237 m east of the nadir; 2° of yaw moves it
        // d × 2π/180 = 0.28706 m north-south.
        var u = Georeference(Nadir(), new ErrorModel(0, 0, 0, 2, 0, 0)).UncertaintyAt(Centre with { U = Centre.U + 1000 });
        Assert.Equal(1000 * Gsd30 * 2 * Math.PI / 180, u.SemiMajorM, 1e-5);
        Assert.Equal(0.28706, u.SemiMajorM, 1e-5);
        Assert.True(AxisDistanceDeg(0, u.MajorAxisAzimuthDeg) < 1e-6);
    }

    [Fact]
    public void UncertaintyAt_YawUnknown_IsDOverRootTwo_AndIgnoresTheYawSigma()
    {
        // Pixel (W/2 + 1000, H/2 − 500): d = √(1000² + 500²) × 30/3648 = 9.19436 m. A uniform unknown heading
        // adds d²/2 to each axis, so SigmaM = √((d²/2 + d²/2)/2) = d/√2 = 6.50134 m.
        var pixel = new PixelPoint(Centre.U + 1000, Centre.V - 500);
        double d = Math.Sqrt((1000.0 * 1000) + (500.0 * 500)) * Gsd30;
        Assert.Equal(9.19436, d, 1e-5);

        var unknown = Georeference(Nadir(), new ErrorModel(0, 0, 0, 5, 0, 0, YawUnknown: true)).UncertaintyAt(pixel);
        Assert.Equal(d / Math.Sqrt(2), unknown.SigmaM, 1e-9);
        Assert.Equal(unknown.SemiMajorM, unknown.SemiMinorM, 1e-9);

        // and at the centre an unknown heading costs nothing
        Assert.Equal(0, Georeference(Nadir(), new ErrorModel(0, 0, 0, 0, 0, 0, YawUnknown: true)).UncertaintyAt(Centre).SigmaM, 1e-12);
    }

    [Fact]
    public void UncertaintyAt_IndependentSources_AddInQuadrature()
    {
        // GPS 3 m per axis + pitch 1° at the nadir centre: north variance 9 + 0.5236², east 9.
        var u = Georeference(Nadir(), new ErrorModel(3, 3, 0, 0, 1, 0)).UncertaintyAt(Centre);
        Assert.Equal(Math.Sqrt(9 + (MetresPerDegreeAt30m * MetresPerDegreeAt30m)), u.SemiMajorM, 1e-4);
        Assert.Equal(3, u.SemiMinorM, 1e-9);
    }

    [Fact]
    public void UncertaintyAt_ThrowsForAPixelAboveTheHorizon()
    {
        var photo = Georeference(Geometry(new CameraAttitude(0, -10, 0)));
        Assert.Throws<ArgumentException>(() => photo.UncertaintyAt(new PixelPoint(Width / 2.0, 0)));
    }

    [Fact]
    public void Locate_ReturnsTheSameUncertaintyAsUncertaintyAt()
    {
        var photo = Georeference(Nadir(), new ErrorModel(3, 2, 2, 2, 1, 1));
        var pixel = new PixelPoint(100, 200);
        var located = photo.Locate(pixel);
        Assert.NotNull(located);
        Assert.Equal(photo.UncertaintyAt(pixel), located.Uncertainty);
        Assert.Equal(-30, located.OffsetFromCamera.UpM, 1e-12);
    }

    /// <summary>
    /// Suspected defect (see the test report): the roll error is propagated as a perturbation of the Euler
    /// roll, which in the Z-Y-X sequence turns the camera about its own optical axis. At nadir that is gimbal
    /// lock (roll ≡ yaw), so a 1° roll σ moves the image centre by 0 m. Physically a 1° sideways tilt of a
    /// nadir camera at 30 m moves the centre 30 × π/180 = 0.5236 m across track, just as a 1° pitch error
    /// moves it 0.5236 m along track, so equal pitch and roll σ (as Resolve always sets: GimbalTiltSigmaDeg,
    /// AssumedNadirTiltSigmaDeg "fixed wings bank in turns") should give a circular 0.5236 m error at the
    /// centre. The model gives a degenerate 0.5236 × 0 m ellipse.
    /// </summary>
    [Fact]
    public void UncertaintyAt_EqualPitchAndRollSigma_IsCircularAtTheNadirCentre()
    {
        var u = Georeference(Nadir(), new ErrorModel(0, 0, 0, 0, 1, 1)).UncertaintyAt(Centre);
        Assert.Equal(MetresPerDegreeAt30m, u.SemiMajorM, 1e-4);
        Assert.Equal(MetresPerDegreeAt30m, u.SemiMinorM, 1e-4);
    }
}
