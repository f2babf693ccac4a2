using DroneScan.Core.Detection;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Pipeline.Tests;

/// <summary>
/// Verifiers with output [N, 5] refine the boxes: the box a verifier places in its chip replaces the candidate's,
/// mapped back to photo pixels, and the refined boxes go through class-agnostic suppression at IoU 0.5.
/// </summary>
public sealed class RefinedDetectionTests
{
    // make_fixtures.py: verifier-box-red-32.onnx gives p = the mean red of the chip's central 4 × 4 samples and the
    // fixed deltas dx 0.125, dy −0.0625, log w ln ¼, log h ln ½ for every chip; context 1.5, min 8 px, weight 0.5.
    // A chip window (cx, cy, L) therefore refines to centre (cx + L/8, cy − L/16), size L/4 × L/2.
    private static string Model(string name) => Path.Combine(AppContext.BaseDirectory, "Models", name);

    private static readonly Rgb24 White = new(255, 255, 255);

    private static Image<Rgb24> Draw(int width, int height, Rgb24 ground, params (int X1, int Y1, int X2, int Y2)[] whiteRectangles)
    {
        var image = new Image<Rgb24>(width, height, ground);
        foreach (var (x1, y1, x2, y2) in whiteRectangles)
        {
            for (int y = y1; y < y2; y++)
            {
                for (int x = x1; x < x2; x++)
                {
                    image[x, y] = White;
                }
            }
        }

        return image;
    }

    private static void AssertBox(PixelBox expected, PixelBox actual, double tolerance)
    {
        Assert.Equal(expected.X1, actual.X1, tolerance);
        Assert.Equal(expected.Y1, actual.Y1, tolerance);
        Assert.Equal(expected.X2, actual.X2, tolerance);
        Assert.Equal(expected.Y2, actual.Y2, tolerance);
    }

    [Fact]
    public void TheBoxIsReplacedByTheOneTheVerifierPlacesInTheChip()
    {
        // White rectangle (20, 20)–(60, 60): window centre (40, 40), L = max(8, 1.5 × 40) = 60 → centre (47.5, 36.25),
        // 15 × 30 → (40, 21.25, 55, 51.25). Score √(0.9 × 1) = 0.948683 (weight 0.5, stage 1 0.9, white chip centre).
        using var model = OnnxDetector.Load(Model("white-box-256-refined.onnx"));
        using var image = Draw(256, 256, new Rgb24(0, 0, 0), (20, 20, 60, 60));

        var hit = Assert.Single(new TiledDetector(model, new TiledDetectionOptions { MinScore = 0.25f }).Detect("scene", image, scale: 1).Detections);

        AssertBox(new PixelBox(40, 21.25, 55, 51.25), hit.Box, 1e-4);
        Assert.Equal(0.948683f, hit.Score, 1e-5f);
    }

    [Fact]
    public void TheRefinedBoxIsMappedFromTheRescaledImageBackToPhotoPixels()
    {
        // Scale 2: the rectangle (100, 100)–(140, 140) lies at 200–280 in the image the model sees; window centre
        // (240, 240), L = 1.5 × 80 = 120 → centre (255, 232.5), 30 × 60 → (240, 202.5, 270, 262.5) there, halved
        // in the photo: (120, 101.25, 135, 131.25). (Tiles at scale 2 place the stage-1 box within about a pixel.)
        using var model = OnnxDetector.Load(Model("white-box-256-refined.onnx"));
        using var image = Draw(256, 256, new Rgb24(0, 0, 0), (100, 100, 140, 140));

        var hit = Assert.Single(new TiledDetector(model, new TiledDetectionOptions { MinScore = 0.25f }).Detect("scene", image, scale: 2).Detections);

        AssertBox(new PixelBox(120, 101.25, 135, 131.25), hit.Box, 1.0);
    }

    [Fact]
    public void ARefinedBoxIsClippedToThePhoto()
    {
        // Rectangle (200, 0)–(240, 10): window centre (220, 5), L = 60 → centre (227.5, 1.25), 15 × 30 →
        // (220, −13.75, 235, 16.25), clipped at the top edge to (220, 0, 235, 16.25).
        using var model = OnnxDetector.Load(Model("white-box-256-refined.onnx"));
        using var image = Draw(256, 256, new Rgb24(0, 0, 0), (200, 0, 240, 10));

        var hit = Assert.Single(new TiledDetector(model, new TiledDetectionOptions { MinScore = 0.25f }).Detect("scene", image, scale: 1).Detections);

        AssertBox(new PixelBox(220, 0, 235, 16.25), hit.Box, 1e-4);
    }

    [Fact]
    public void RefinedBoxesOfDifferentClassesOnOneObject_AreSuppressedAcrossClasses()
    {
        // two-class-256-refined.onnx: an ap_mine (0.9) at (90, 90)–(110, 110) and a uxo (0.4) at (91, 90)–(111, 110),
        // whatever the image; class-aware merging keeps both. On a white photo p = 1: final √0.9 = 0.948683 and
        // √0.4 = 0.632456. Windows L = 30 at (100, 100) and (101, 100) refine to (100, 90.625, 107.5, 105.625) and
        // (101, 90.625, 108.5, 105.625): IoU 97.5 / 127.5 = 0.76 ≥ 0.5, so the uxo goes.
        using var model = OnnxDetector.Load(Model("two-class-256-refined.onnx"));
        using var image = new Image<Rgb24>(256, 256, White);

        var hit = Assert.Single(new TiledDetector(model, new TiledDetectionOptions { MinScore = 0.25f }).Detect("scene", image, scale: 1).Detections);

        Assert.Equal(0, hit.ClassId);
        Assert.Equal(0.948683f, hit.Score, 1e-5f);
        AssertBox(new PixelBox(100, 90.625, 107.5, 105.625), hit.Box, 1e-4);
    }

    [Fact]
    public void AVerifierWithOneColumn_KeepsTheBoxes_AndSuppressesNothingAcrossClasses()
    {
        // The same detector naming verifier-red-32.onnx ([N, 1]): both boxes stay, as they were, rescored.
        using var model = OnnxDetector.Load(Model("two-class-256-verified.onnx"));
        using var image = new Image<Rgb24>(256, 256, White);

        var hits = new TiledDetector(model, new TiledDetectionOptions { MinScore = 0.25f }).Detect("scene", image, scale: 1).Detections;

        Assert.Equal([0, 1], hits.Select(h => h.ClassId));
        Assert.Equal(0.948683f, hits[0].Score, 1e-5f);
        Assert.Equal(0.632456f, hits[1].Score, 1e-5f);
        AssertBox(new PixelBox(90, 90, 110, 110), hits[0].Box, 1e-4);
        AssertBox(new PixelBox(91, 90, 111, 110), hits[1].Box, 1e-4);
    }

    [Fact]
    public void TheSuppressionAfterRefinementIsAnOption()
    {
        // With the threshold at IoU 0.8 the two refined boxes (IoU 0.76) both stay, best first.
        using var model = OnnxDetector.Load(Model("two-class-256-refined.onnx"));
        using var image = new Image<Rgb24>(256, 256, White);
        var options = new TiledDetectionOptions { MinScore = 0.25f };
        options = options with { RefinedMerge = options.RefinedMerge with { Threshold = 0.8 } };

        var hits = new TiledDetector(model, options).Detect("scene", image, scale: 1).Detections;

        Assert.Equal([0, 1], hits.Select(h => h.ClassId));
        AssertBox(new PixelBox(101, 90.625, 108.5, 105.625), hits[1].Box, 1e-4);
    }
}
