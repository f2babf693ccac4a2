using DroneScan.Core.Camera;

namespace DroneScan.Core.Tests;

public class OrientationTests
{
    // A deliberately non-square, odd-sized raw image so swapped W/H would show.
    private const int W = 640;
    private const int H = 480;

    public static TheoryData<int> AllOrientations => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(AllOrientations))]
    public void OrientedToRaw_InvertsRawToOriented_ForEveryOrientation(int orientation)
    {
        var random = new Random(orientation);
        var points = new List<PixelPoint> { new(0, 0), new(W, 0), new(W, H), new(0, H), new(W / 2.0, H / 2.0) };
        for (int i = 0; i < 50; i++)
        {
            points.Add(new PixelPoint(random.NextDouble() * W, random.NextDouble() * H));
        }

        var (ow, oh) = ExifOrientation.OrientedSize(orientation, W, H);
        foreach (var raw in points)
        {
            var oriented = ExifOrientation.RawToOriented(raw, orientation, W, H);
            Assert.InRange(oriented.U, 0, ow);
            Assert.InRange(oriented.V, 0, oh);
            var back = ExifOrientation.OrientedToRaw(oriented, orientation, W, H);
            Assert.Equal(raw.U, back.U, 1e-12);
            Assert.Equal(raw.V, back.V, 1e-12);

            // and the other way round, from an oriented position
            var o = new PixelPoint(raw.U / W * ow, raw.V / H * oh);
            var o2 = ExifOrientation.RawToOriented(ExifOrientation.OrientedToRaw(o, orientation, W, H), orientation, W, H);
            Assert.Equal(o.U, o2.U, 1e-12);
            Assert.Equal(o.V, o2.V, 1e-12);
        }
    }

    [Theory]
    [InlineData(1, 640, 480)]
    [InlineData(2, 640, 480)]
    [InlineData(3, 640, 480)]
    [InlineData(4, 640, 480)]
    [InlineData(5, 480, 640)]
    [InlineData(6, 480, 640)]
    [InlineData(7, 480, 640)]
    [InlineData(8, 480, 640)]
    public void OrientedSize_SwapsWidthAndHeight_OnlyFor5To8(int orientation, int width, int height)
    {
        Assert.Equal((width, height), ExifOrientation.OrientedSize(orientation, W, H));
        Assert.Equal(orientation >= 5, ExifOrientation.SwapsAxes(orientation));
    }

    // Where the raw top-left corner (0, 0) and the raw top-right corner (W, 0) are displayed, from the EXIF
    // definitions ("0th row is the visual …, 0th column is the visual …"), oriented image W' × H':
    //   1: top/left            → TL (0,0),   TR (W,0)
    //   2: top/right (mirror)  → TL (W,0),   TR (0,0)
    //   3: bottom/right (180°) → TL (W,H),   TR (0,H)
    //   4: bottom/left         → TL (0,H),   TR (W,H)
    //   5: left/top (transpose)→ TL (0,0),   TR (0,W)
    //   6: right/top (90° CW)  → TL (H,0),   TR (H,W)
    //   7: right/bottom        → TL (H,W),   TR (H,0)
    //   8: left/bottom (90° CCW) → TL (0,W), TR (0,0)
    [Theory]
    [InlineData(1, 0, 0, 640, 0)]
    [InlineData(2, 640, 0, 0, 0)]
    [InlineData(3, 640, 480, 0, 480)]
    [InlineData(4, 0, 480, 640, 480)]
    [InlineData(5, 0, 0, 0, 640)]
    [InlineData(6, 480, 0, 480, 640)]
    [InlineData(7, 480, 640, 480, 0)]
    [InlineData(8, 0, 640, 0, 0)]
    public void RawToOriented_MapsRawCornersAsExifDefines(int orientation, double tlU, double tlV, double trU, double trV)
    {
        Assert.Equal(new PixelPoint(tlU, tlV), ExifOrientation.RawToOriented(new PixelPoint(0, 0), orientation, W, H));
        Assert.Equal(new PixelPoint(trU, trV), ExifOrientation.RawToOriented(new PixelPoint(W, 0), orientation, W, H));
    }

    [Fact]
    public void RawToOriented_Orientation6_MapsTheTopLeftPixelCentreToTheTopRightPixelCentre()
    {
        // Centre of raw pixel (0, 0) is (0.5, 0.5); turned 90° clockwise it is the centre of the top-right
        // displayed pixel: (H − 0.5, 0.5) = (479.5, 0.5).
        Assert.Equal(new PixelPoint(479.5, 0.5), ExifOrientation.RawToOriented(new PixelPoint(0.5, 0.5), 6, W, H));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void UnknownOrientation_IsTreatedAsStored(int orientation)
    {
        var p = new PixelPoint(12.5, 99.25);
        Assert.Equal(p, ExifOrientation.RawToOriented(p, orientation, W, H));
        Assert.Equal(p, ExifOrientation.OrientedToRaw(p, orientation, W, H));
        Assert.Equal((W, H), ExifOrientation.OrientedSize(orientation, W, H));
    }
}
