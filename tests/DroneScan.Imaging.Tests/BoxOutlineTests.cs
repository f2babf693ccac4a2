using DroneScan.Core.Detection;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Imaging.Tests;

public class BoxOutlineTests
{
    private static readonly Rgb24 Black = new(0, 0, 0);
    private static readonly Rgb24 Red = new(255, 0, 0);

    [Fact]
    public void TheFrame_LiesJustOutsideTheBox_AndLeavesItsInsideAlone()
    {
        // Box x 10–20, y 10–15 (exclusive right/bottom pixel edges), 2-px frame: x 8–21, y 8–16.
        using var image = new Image<Rgb24>(40, 30, Black);

        BoxOutline.Draw(image, new PixelBox(10, 10, 20, 15), Red, 2);

        Assert.Equal(Red, image[8, 8]);     // outer corner
        Assert.Equal(Red, image[21, 16]);   // opposite outer corner
        Assert.Equal(Red, image[9, 12]);    // left side
        Assert.Equal(Red, image[20, 12]);   // right side, first column past the box
        Assert.Equal(Black, image[10, 10]); // inside
        Assert.Equal(Black, image[19, 14]);
        Assert.Equal(Black, image[7, 12]);  // beyond the frame
        Assert.Equal(Black, image[22, 12]);
        Assert.Equal(Black, image[15, 17]);
    }

    [Fact]
    public void FractionalEdges_AreRoundedOutwards_AndAFrameAtTheBorderIsClipped()
    {
        // x 0.5–3.2 → pixels 0–4 inside; the 1-px frame's left column (−1) is off the image.
        using var image = new Image<Rgb24>(10, 10, Black);

        BoxOutline.Draw(image, new PixelBox(0.5, 2.5, 3.2, 5), Red, 1);

        Assert.Equal(Black, image[0, 3]);
        Assert.Equal(Black, image[3, 3]);
        Assert.Equal(Red, image[4, 3]);
        Assert.Equal(Red, image[2, 1]);
        Assert.Equal(Red, image[2, 5]);
    }
}
