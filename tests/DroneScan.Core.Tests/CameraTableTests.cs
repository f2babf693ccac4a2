using DroneScan.Core.Camera;

namespace DroneScan.Core.Tests;

public class CameraTableTests
{
    [Fact]
    public void Find_Zh20tAt640Wide_IsTheThermalSensor()
    {
        // 640 px × 12 µm = 7.68 mm.
        var s = CameraTable.Find("DJI", "ZH20T", 640);
        Assert.NotNull(s);
        Assert.Equal(7.68, s.WidthMm, 1e-12);
    }

    [Fact]
    public void Find_Zh20tAt4056Wide_IsTheWideCamera()
    {
        var s = CameraTable.Find("DJI", "ZH20T", 4056);
        Assert.NotNull(s);
        Assert.Equal(6.17, s.WidthMm, 1e-12);
    }

    [Fact]
    public void Find_Zh20tAtAnUnlistedWidth_IsNull()
    {
        // Every ZH20T entry names a width, so there is no fallback.
        Assert.Null(CameraTable.Find("DJI", "ZH20T", 1920));
    }

    [Theory]
    [InlineData("DJI", "FC9999")]
    [InlineData("Acme", "FC6310")]
    [InlineData(null, "FC6310")]
    [InlineData("DJI", null)]
    [InlineData("  ", "FC6310")]
    [InlineData("DJI", "FC631")]
    public void Find_UnknownCamera_IsNull(string? make, string? model)
    {
        Assert.Null(CameraTable.Find(make, model, 5472));
    }

    [Theory]
    [InlineData("DJI ")]
    [InlineData("dji")]
    [InlineData("DJI\0")]
    [InlineData("DJI Technology Co., Ltd.")]
    public void Find_MatchesMakeByCaseInsensitivePrefix(string make)
    {
        // Makers pad Make ("DJI " or NUL-padded); the prefix match accepts it.
        var s = CameraTable.Find(make, "fc6310", 5472);
        Assert.NotNull(s);
        Assert.Equal(13.2, s.WidthMm, 1e-12);
    }

    [Fact]
    public void Find_ModelWithSurroundingSpaces_IsTrimmed()
    {
        Assert.NotNull(CameraTable.Find("DJI", " FC6310 ", 5472));
    }

    [Fact]
    public void FocalPxFrom35mm_UsesTheDiagonal()
    {
        // 640 × 512, f35 = 50 mm: diagonal √(640² + 512²) = √671744 = 819.5999 px,
        // f_px = 50 × 819.5999 / 43.2666 = 947.1505 px (a width-based 50 × 640 / 36 would give 888.9).
        Assert.Equal(43.2666153, CameraIntrinsics.FullFrameDiagonalMm, 1e-7);
        Assert.Equal(947.1505, CameraIntrinsics.FocalPxFrom35mm(50, 640, 512), 1e-4);
        Assert.Equal(50 * Math.Sqrt((640.0 * 640) + (512.0 * 512)) / 43.266615305567875, CameraIntrinsics.FocalPxFrom35mm(50, 640, 512), 1e-9);
    }

    [Fact]
    public void FocalPxFrom35mm_AgreesWithSensorWidth_ForA3To2FullFrame()
    {
        // 36 × 24 mm sensor, 6000 × 4000 px, 50 mm lens: 50 × 6000 / 36 = 8333.33 px both ways.
        Assert.Equal(8333.3333, CameraIntrinsics.FocalPxFrom35mm(50, 6000, 4000), 1e-3);
        Assert.Equal(8333.3333, CameraIntrinsics.FocalPxFromSensor(50, 36, 6000), 1e-3);
    }

    [Fact]
    public void Centred_PutsThePrincipalPointAtHalfTheSize()
    {
        var k = CameraIntrinsics.Centred(5472, 3648, 3648);
        Assert.Equal(2736, k.PrincipalPointU);
        Assert.Equal(1824, k.PrincipalPointV);
    }
}
