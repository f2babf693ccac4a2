using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Cli.Tests;

/// <summary>Commands with a two-stage model: the chip verifier's scores, and the model's recommended --conf.</summary>
public sealed class VerifiedModelCommandTests : IDisposable
{
    // white-box-256-verified.onnx (make_fixtures.py): white-box detector (0.9 on any rectangle brighter than mid-grey),
    // verifier p = red / 255 at the chip centre, weight 0.5 → final √(0.9 × red / 255); default_conf 0.3.
    // White → 0.948683; red 22 → √(0.9 × 22/255) = 0.278652, between the fallback 0.25 and the model's 0.3.
    private static readonly string Verified = Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256-verified.onnx");

    private readonly string _folder = Directory.CreateTempSubdirectory("dronescan-verified-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    /// <summary>A 256 × 256 black PNG (lossless, so the colours are exact) with a white and a faintly red rectangle.</summary>
    private string Photo()
    {
        string path = Path.Combine(_folder, "a.png");
        using var image = new Image<Rgb24>(256, 256, new Rgb24(0, 0, 0));
        for (int y = 0; y < 40; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                image[20 + x, 20 + y] = new Rgb24(255, 255, 255);
                image[100 + x, 100 + y] = new Rgb24(22, 255, 255);
            }
        }

        image.SaveAsPng(path);
        return path;
    }

    private static double[] Scores(CliRun run) =>
        [.. Assert.Single(run.JsonLines()).GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("score").GetDouble())];

    [Fact]
    public void Detect_WithoutConf_UsesTheModelsDefaultConf()
    {
        string photo = Photo();

        var run = CliRun.Of("detect", "--json", "--model", Verified, photo);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([0.9487], Scores(run)); // 0.278652 < 0.3
    }

    [Fact]
    public void Detect_WithConf_UsesIt_AndReportsTheVerifiedScores()
    {
        string photo = Photo();

        var run = CliRun.Of("detect", "--json", "--conf", "0.25", "--model", Verified, photo);

        Assert.Equal([0.9487, 0.2787], Scores(run));
    }

    [Fact]
    public void Eval_NamesTheVerifier_AndEvaluatesTheVerifiedScores()
    {
        // Both rectangles labelled: the red one's box scores 0.278652, so AP50 is 1 and the best-F1 score is there.
        string images = Path.Combine(_folder, "val", "images"), labels = Path.Combine(_folder, "val", "labels");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(labels);
        File.Move(Photo(), Path.Combine(images, "a.png"));
        File.WriteAllText(Path.Combine(labels, "a.txt"), string.Create(CultureInfo.InvariantCulture, $"0 {40 / 256.0} {40 / 256.0} {40 / 256.0} {40 / 256.0}\n0 {120 / 256.0} {120 / 256.0} {40 / 256.0} {40 / 256.0}\n"));

        var run = CliRun.Of("eval", "--json", "--data", Path.Combine(_folder, "val"), "--model", Verified);

        Assert.Equal(0, run.ExitCode);
        var json = Assert.Single(run.JsonLines());
        var verifier = json.GetProperty("model").GetProperty("verifier");
        Assert.Equal("fixture-verifier", verifier.GetProperty("name").GetString());
        Assert.Equal("0.2.0", verifier.GetProperty("version").GetString());
        Assert.NotEqual(verifier.GetProperty("sha256").GetString(), json.GetProperty("model").GetProperty("sha256").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, verifier.GetProperty("screen").ValueKind);
        var overall = json.GetProperty("overall");
        Assert.Equal(1.0, overall.GetProperty("ap50").GetDouble());
        Assert.Equal(0.278652, overall.GetProperty("bestF1").GetProperty("threshold").GetDouble(), 5);
    }

    [Fact]
    public void Detect_WithAScreenedVerifier_DropsWhatTheScreenRejects_AndEvalNamesTheScreen()
    {
        // white-box-256-screened.onnx: the same verifier behind a screen (p = green / 255 at the chip centre, needs
        // 0.5). Both rectangles of the photo are green 255, so both pass; a magenta one (255, 60, 255) added to a
        // copy fails the screen and is dropped, though the verifier alone would give it √0.9.
        string screened = Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256-screened.onnx");
        string photo = Photo();
        string withMagenta = Path.Combine(_folder, "b.png");
        using (var image = Image.Load<Rgb24>(photo))
        {
            for (int y = 180; y < 220; y++)
            {
                for (int x = 180; x < 220; x++)
                {
                    image[x, y] = new Rgb24(255, 60, 255);
                }
            }

            image.SaveAsPng(withMagenta);
        }

        var run = CliRun.Of("detect", "--json", "--conf", "0.25", "--model", screened, withMagenta);
        var plain = CliRun.Of("detect", "--json", "--conf", "0.25", "--model", Verified, withMagenta);

        Assert.Equal([0.9487, 0.2787], Scores(run));
        Assert.Equal([0.9487, 0.9487, 0.2787], Scores(plain));

        string images = Path.Combine(_folder, "val", "images");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(Path.Combine(_folder, "val", "labels"));
        File.Copy(photo, Path.Combine(images, "a.png"));
        var eval = CliRun.Of("eval", "--json", "--data", Path.Combine(_folder, "val"), "--model", screened);
        var screen = Assert.Single(eval.JsonLines()).GetProperty("model").GetProperty("verifier").GetProperty("screen");
        Assert.Equal("fixture-screen", screen.GetProperty("name").GetString());
        Assert.Equal(0.5, screen.GetProperty("score").GetDouble());
        Assert.Contains("behind screen fixture-screen 0.1.0 (>= 0.5)", CliRun.Of("eval", "--data", Path.Combine(_folder, "val"), "--model", screened).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model", 1.0)] // the model's 0.05: both rectangles (stage 1 scores 0.9) are verified
    [InlineData("0.95", 0.0)]  // above stage 1's 0.9: no candidate at all
    public void Eval_ProposalScore_SetsWhichStageOneBoxesAreVerified(string proposal, double expectedAp50)
    {
        string images = Path.Combine(_folder, "val", "images"), labels = Path.Combine(_folder, "val", "labels");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(labels);
        File.Move(Photo(), Path.Combine(images, "a.png"));
        File.WriteAllText(Path.Combine(labels, "a.txt"), string.Create(CultureInfo.InvariantCulture, $"0 {40 / 256.0} {40 / 256.0} {40 / 256.0} {40 / 256.0}\n"));

        var run = CliRun.Of("eval", "--json", "--data", Path.Combine(_folder, "val"), "--model", Verified, "--proposal-score", proposal);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expectedAp50, Assert.Single(run.JsonLines()).GetProperty("overall").GetProperty("ap50").GetDouble(), 6);
    }

    [Fact]
    public void Eval_RefusesAProposalScoreThatIsNeitherAScoreNorModel()
    {
        var run = CliRun.Of("eval", "--data", _folder, "--model", Verified, "--proposal-score", "high");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--proposal-score must be a score in [0, 1] or 'model', not 'high'", run.Error, StringComparison.Ordinal);
    }
}
