using DroneScan.Detection;
using DroneScan.Pipeline.Bench;
using DroneScan.Pipeline.Detect;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Pipeline.Tests;

public sealed class VerifiedDetectionTests : IDisposable
{
    // white-box-256-verified.onnx (make_fixtures.py): the white-box detector (score 0.9 on any rectangle brighter
    // than mid-grey) naming verifier-red-32.onnx, whose probability is the mean red of the chip's central 4 × 4
    // samples, with weight 0.5: final score = √(0.9 × red / 255) for a rectangle of one colour.
    private static readonly string VerifiedModel = Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256-verified.onnx");

    private static readonly Rgb24 White = new(255, 255, 255);
    private static readonly Rgb24 LittleRed = new(22, 255, 255);
    private static readonly Rgb24 Cyan = new(0, 255, 255);

    private readonly OnnxDetector _model = OnnxDetector.Load(VerifiedModel);

    public void Dispose() => _model.Dispose();

    /// <summary>A black image with filled rectangles (x1, y1, x2, y2 pixel edges) of the given colours.</summary>
    private static Image<Rgb24> Draw(int width, int height, params (int X1, int Y1, int X2, int Y2, Rgb24 Colour)[] rectangles)
    {
        var image = new Image<Rgb24>(width, height, new Rgb24(0, 0, 0));
        foreach (var (x1, y1, x2, y2, colour) in rectangles)
        {
            for (int y = y1; y < y2; y++)
            {
                for (int x = x1; x < x2; x++)
                {
                    image[x, y] = colour;
                }
            }
        }

        return image;
    }

    [Fact]
    public void EachBoxIsRescoredByItsChip_AndBoxesBelowMinScoreAreDropped()
    {
        // White: √(0.9 × 1) = 0.948683. Red 22: √(0.9 × 22/255) = √0.077647 = 0.278652. Cyan (red 0): 0, dropped.
        // All three pass stage 1 (0.9 ≥ the proposal score 0.05), and the detector alone would keep all three.
        using var image = Draw(256, 256, (20, 20, 60, 60, White), (100, 100, 140, 140, LittleRed), (180, 180, 220, 220, Cyan));
        var detector = new TiledDetector(_model, new TiledDetectionOptions { MinScore = 0.25f });

        var hits = detector.Detect("scene", image, scale: 1).Detections;

        Assert.Equal(2, hits.Count);
        Assert.Equal(0.948683f, hits[0].Score, 1e-5f);
        Assert.Equal(20, hits[0].Box.X1, 0.01);
        Assert.Equal(0.278652f, hits[1].Score, 1e-5f);
        Assert.Equal(100, hits[1].Box.X1, 0.01);
        Assert.All(hits, h => Assert.Equal(0, h.ClassId));
    }

    [Fact]
    public void AScreenedVerifier_VerifiesOnlyTheChipsTheScreenPasses()
    {
        // white-box-256-screened.onnx: the same verifier (p2 = mean red, weight 0.5) behind a screen (p = mean green,
        // screen_score 0.5). White passes the screen (green 1): √(0.9 × 1). Little red (22, 255, 255) passes:
        // √(0.9 × 22/255). Magenta (255, 60, 255) fails the screen (green 60/255) and is dropped, though the
        // verifier alone gives it √0.9; so does (255, 110, 255): green 110/255 < 0.5. (All are brighter than
        // mid-grey, so the white-box detector proposes each; one rectangle per row and column.)
        using var screened = OnnxDetector.Load(Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256-screened.onnx"));
        using var image = Draw(256, 256, (20, 20, 60, 60, White), (65, 65, 95, 95, new Rgb24(255, 60, 255)), (100, 100, 140, 140, LittleRed),
            (180, 180, 220, 220, new Rgb24(255, 110, 255)));
        var options = new TiledDetectionOptions { MinScore = 0.25f };

        var hits = new TiledDetector(screened, options).Detect("scene", image, scale: 1).Detections;
        var unscreened = new TiledDetector(_model, options).Detect("scene", image, scale: 1).Detections;

        Assert.Equal(2, hits.Count);
        Assert.Equal(0.948683f, hits[0].Score, 1e-5f);
        Assert.Equal(20, hits[0].Box.X1, 0.01);
        Assert.Equal(0.278652f, hits[1].Score, 1e-5f);
        Assert.Equal(100, hits[1].Box.X1, 0.01);
        Assert.Equal(100, hits[1].Box.Y1, 0.01);
        Assert.Equal(4, unscreened.Count); // without the screen the two magenta boxes stay
    }

    [Fact]
    public void TheFinalScore_NotTheDetectorsScore_IsComparedWithMinScore()
    {
        using var image = Draw(256, 256, (20, 20, 60, 60, White), (100, 100, 140, 140, LittleRed));
        var detector = new TiledDetector(_model, new TiledDetectionOptions { MinScore = 0.3f });

        var hit = Assert.Single(detector.Detect("scene", image, scale: 1).Detections);

        Assert.Equal(0.948683f, hit.Score, 1e-5f);
    }

    [Fact]
    public void TheChipIsCutFromTheRescaledImage_WhereTheBoxIsScaleTimesItsPhotoPosition()
    {
        // Scale 2: the rectangle 100–140 lies at 200–280 in the image the model sees. A chip cut at the photo
        // position (centre 120) would be black (p 0, dropped); at the scaled position it is white (p ≈ 1).
        using var image = Draw(256, 256, (100, 100, 140, 140, White));
        var detector = new TiledDetector(_model, new TiledDetectionOptions { MinScore = 0.25f });

        var hit = Assert.Single(detector.Detect("scene", image, scale: 2).Detections);

        Assert.Equal(0.948683f, hit.Score, 0.01f);
        Assert.Equal(100, hit.Box.X1, 1.0);
    }

    [Fact]
    public void TheVerifierRunsOnlyWhenThereAreCandidates_AndIsTimedAsItsOwnStage()
    {
        var times = new StageTimes();
        var detector = new TiledDetector(_model, new TiledDetectionOptions { MinScore = 0.25f }) { Times = times };
        using (var empty = Draw(256, 256))
        {
            Assert.Empty(detector.Detect("empty", empty, scale: 1).Detections);
        }

        Assert.Equal(TimeSpan.Zero, times[ScanStage.Verify]);
        Assert.True(times[ScanStage.Inference] > TimeSpan.Zero);

        using (var one = Draw(256, 256, (20, 20, 60, 60, White)))
        {
            Assert.Single(detector.Detect("one", one, scale: 1).Detections);
        }

        Assert.True(times[ScanStage.Verify] > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(0.25f, 0.05f)]   // the model's proposal score
    [InlineData(0.001f, 0.001f)] // an evaluation's floor below it wins
    public void StageOne_KeepsBoxesFromTheProposalScore_OrALowerMinScore(float minScore, float expected)
    {
        var detector = new TiledDetector(_model, new TiledDetectionOptions { MinScore = minScore });

        Assert.Equal(expected, detector.ProposalMinScore);
    }

    [Fact]
    public void AProposalScoreOption_FixesStageOne_WhateverMinScore()
    {
        var detector = new TiledDetector(_model, new TiledDetectionOptions { MinScore = 0.001f, ProposalScore = 0.05f });

        Assert.Equal(0.05f, detector.ProposalMinScore);
    }

    [Fact]
    public void WithoutAVerifier_StageOneIsMinScore()
    {
        using var plain = OnnxDetector.Load(Scenes.WhiteBoxModel);

        Assert.Equal(0.25f, new TiledDetector(plain, new TiledDetectionOptions { MinScore = 0.25f }).ProposalMinScore);
    }

    [Fact]
    public void TheModelsDefaultConf_IsTheRecommendedMinScore()
    {
        using var plain = OnnxDetector.Load(Scenes.WhiteBoxModel);

        Assert.Equal(0.3f, TiledDetectionOptions.RecommendedMinScore(_model.Info));
        Assert.Equal(0.25f, TiledDetectionOptions.RecommendedMinScore(plain.Info));
    }
}
