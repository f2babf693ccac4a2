using DroneScan.Core.Detection;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Pipeline.Tests;

/// <summary>The tiled detection against the <see cref="IDetector"/> port, with no model file: tile placement,
/// batching and the mapping back to photo pixels, hand-computed.</summary>
public sealed class FakeDetectorTests
{
    /// <summary>Finds "an object" at the same tile pixels in every tile it is given, and records its calls.</summary>
    private sealed class SameSpotDetector(int inputSize) : IDetector
    {
        public List<int> Counts { get; } = [];

        public ModelInfo Info { get; } = new()
        {
            Path = "fake.onnx",
            Name = "fake",
            Version = "0",
            Sha256 = new string('0', 64),
            FileSha256 = new string('0', 64),
            InputName = "images",
            OutputName = "boxes",
            InputSize = inputSize,
            ClassNames = ["ap_mine"],
        };

        public ChipVerifier? Verifier => null;

        public IReadOnlyList<DetectionBox>[] Detect(float[] batch, int count, float minScore)
        {
            Counts.Add(count);
            return [.. Enumerable.Range(0, count).Select(_ => (IReadOnlyList<DetectionBox>)[new DetectionBox(new PixelBox(100, 100, 120, 110), 0, 0.9f)])];
        }
    }

    [Fact]
    public void EveryTilesBox_ComesBackOnce_InPhotoPixels()
    {
        // 700 × 300 px, 256-px tiles, overlap 0.2 → stride 205: columns start at 0, 205, 410, 444; rows at 0, 44.
        // The fake's box (100,100)-(120,110) in each tile lands at (x0 + 100, y0 + 100); no two of them overlap.
        using var image = Scenes.Draw(700, 300);
        var fake = new SameSpotDetector(256);
        var detector = new TiledDetector(fake, new TiledDetectionOptions { GsdScaling = false, BatchSize = 3 });

        var result = detector.Detect("scene", image, scale: 1);

        Assert.Equal(8, result.Tiles);
        Assert.Equal([3, 3, 2], fake.Counts); // 8 tiles in batches of 3
        int[] xs = [0, 205, 410, 444], ys = [0, 44];
        var expected = (from y in ys from x in xs select new PixelBox(x + 100, y + 100, x + 120, y + 110)).OrderBy(b => (b.X1, b.Y1));
        Assert.Equal(expected, result.Detections.Select(d => d.Box).OrderBy(b => (b.X1, b.Y1)));
    }
}
