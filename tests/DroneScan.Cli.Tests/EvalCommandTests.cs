using System.Globalization;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Cli.Tests;

public sealed class EvalCommandTests : IDisposable
{
    // The fixture returns the exact extent of each white rectangle with score 0.9 (make_fixtures.py); images are
    // 256 × 256 PNGs (one tile, lossless), so a correct label matches its box with IoU 1.
    private const int Size = 256;
    private static readonly string WhiteBox = Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256.onnx");

    private readonly string _root = Directory.CreateTempSubdirectory("dronescan-eval-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private string Data => Path.Combine(_root, "val");

    /// <summary>A black PNG with white rectangles under images/, and its labels (null: no label file).</summary>
    private void Sample(string name, (int X1, int Y1, int X2, int Y2)[] drawn, (int X1, int Y1, int X2, int Y2)[]? labelled)
    {
        Directory.CreateDirectory(Path.Combine(Data, "images"));
        Directory.CreateDirectory(Path.Combine(Data, "labels"));
        using var image = new Image<Rgb24>(Size, Size, new Rgb24(0, 0, 0));
        foreach (var (x1, y1, x2, y2) in drawn)
        {
            for (int y = y1; y < y2; y++)
            {
                for (int x = x1; x < x2; x++)
                {
                    image[x, y] = new Rgb24(255, 255, 255);
                }
            }
        }

        image.SaveAsPng(Path.Combine(Data, "images", name + ".png"));
        if (labelled is not null)
        {
            // Pixel edges / 256 are exact binary fractions, so the label is the box to the last bit.
            var lines = labelled.Select(b => string.Create(CultureInfo.InvariantCulture, $"0 {(b.X1 + b.X2) / 2.0 / Size} {(b.Y1 + b.Y2) / 2.0 / Size} {(double)(b.X2 - b.X1) / Size} {(double)(b.Y2 - b.Y1) / Size}"));
            File.WriteAllLines(Path.Combine(Data, "labels", name + ".txt"), lines);
        }
    }

    private void PerfectSet()
    {
        Sample("a", [(40, 40, 80, 70)], [(40, 40, 80, 70)]);
        Sample("b", [(20, 20, 60, 50), (150, 100, 200, 180)], [(20, 20, 60, 50), (150, 100, 200, 180)]);
        Sample("c", [], null); // background image: no label file, nothing to find
    }

    private static JsonElement Json(CliRun run) => JsonDocument.Parse(run.Output).RootElement.Clone();

    [Fact]
    public void APerfectDetector_ScoresOneEverywhere()
    {
        PerfectSet();

        var run = CliRun.Of("eval", "--json", "--data", Data, "--model", WhiteBox);

        Assert.Equal(0, run.ExitCode);
        var json = Json(run);
        var overall = json.GetProperty("overall");
        Assert.Equal(3, json.GetProperty("images").GetInt32());
        Assert.Equal(3, overall.GetProperty("truth").GetInt32());
        Assert.Equal(3, overall.GetProperty("detections").GetInt32());
        Assert.Equal(1.0, overall.GetProperty("ap50").GetDouble());
        Assert.Equal(1.0, overall.GetProperty("ap50To95").GetDouble());
        var best = overall.GetProperty("bestF1");
        Assert.Equal(0.9, best.GetProperty("threshold").GetDouble());
        Assert.Equal(1.0, best.GetProperty("precision").GetDouble());
        Assert.Equal(1.0, best.GetProperty("recall").GetDouble());
        Assert.Equal(0, best.GetProperty("fp").GetInt32());
        Assert.Equal(0.0, best.GetProperty("fpPerMegapixel").GetDouble());
        Assert.Equal(1.0, overall.GetProperty("recallAtPrecision80").GetDouble());
    }

    [Fact]
    public void AShiftedLabel_IsOneMissAndOneFalseDetection_WithHandComputedMetrics()
    {
        // b's label is 30 px right of its rectangle: overlap 10 × 30 = 300 px, union 2 × 1200 − 300 = 2100,
        // IoU 0.14 < 0.5 → the 0.9 box is false and the object missed. All boxes score 0.9, so the curve has one
        // point: TP 1, FP 1, FN 1 → P 0.5, R 0.5, F1 0.5. AP50 = 51 levels (recall 0–0.50) × 0.5 / 101.
        // 2 images × 256² px = 0.131072 MP → 1 / 0.131072 = 7.62939 false positives per MP.
        Sample("a", [(40, 40, 80, 70)], [(40, 40, 80, 70)]);
        Sample("b", [(100, 120, 140, 150)], [(130, 120, 170, 150)]);

        var overall = Json(CliRun.Of("eval", "--json", "--data", Data, "--model", WhiteBox)).GetProperty("overall");

        Assert.Equal(25.5 / 101, overall.GetProperty("ap50").GetDouble(), 6);
        var best = overall.GetProperty("bestF1");
        Assert.Equal((1, 1, 1), (best.GetProperty("tp").GetInt32(), best.GetProperty("fp").GetInt32(), best.GetProperty("fn").GetInt32()));
        Assert.Equal(0.5, best.GetProperty("precision").GetDouble());
        Assert.Equal(0.5, best.GetProperty("recall").GetDouble());
        Assert.Equal(1 / 0.131072, best.GetProperty("fpPerMegapixel").GetDouble(), 1e-6); // printed to 6 places
        Assert.Equal(0.0, overall.GetProperty("recallAtPrecision80").GetDouble());
        Assert.Equal(JsonValueKind.Null, overall.GetProperty("atPrecision80").ValueKind);
    }

    [Fact]
    public void Json_IsOneObject_WithTheSameNumbersPerClassAndOverall()
    {
        PerfectSet();

        var run = CliRun.Of("eval", "--json", "--conf", "0.95", "--data", Data, "--model", WhiteBox);

        var json = Assert.Single(run.JsonLines());
        foreach (var key in new[] { "data", "model", "images", "unreadable", "megapixels", "iou", "scoreFloor", "conf", "overall", "classes" })
        {
            Assert.True(json.TryGetProperty(key, out _), $"missing '{key}'");
        }

        Assert.Equal("white-box-256", json.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(0.001, json.GetProperty("scoreFloor").GetDouble());
        var cls = Assert.Single(json.GetProperty("classes").EnumerateArray());
        Assert.Equal(0, cls.GetProperty("id").GetInt32());
        Assert.Equal("white_box", cls.GetProperty("name").GetString());
        foreach (var metrics in new[] { cls, json.GetProperty("overall") })
        {
            foreach (var key in new[] { "truth", "detections", "ap50", "ap50To95", "bestF1", "recallAtPrecision80", "atPrecision80", "atConf" })
            {
                Assert.True(metrics.TryGetProperty(key, out _), $"missing '{key}'");
            }

            // --conf 0.95 is above every score: nothing accepted, all three objects missed.
            var atConf = metrics.GetProperty("atConf");
            Assert.Equal(0.95, atConf.GetProperty("threshold").GetDouble());
            Assert.Equal((0, 0, 3), (atConf.GetProperty("tp").GetInt32(), atConf.GetProperty("fp").GetInt32(), atConf.GetProperty("fn").GetInt32()));
        }
    }

    [Fact]
    public void Render_WritesOnlyTheImperfectImages_WithColouredFrames()
    {
        // a is perfect. b: the rectangle at 30–60 is found, the label at 150–190 has nothing drawn → missed.
        Sample("a", [(40, 40, 80, 70)], [(40, 40, 80, 70)]);
        Sample("b", [(30, 30, 60, 60)], [(30, 30, 60, 60), (150, 150, 190, 190)]);
        Sample("c", [(100, 100, 120, 120)], []); // a box where nothing is labelled → false detection
        string renders = Path.Combine(_root, "renders");

        var run = CliRun.Of("eval", "--data", Data, "--model", WhiteBox, "--render", renders);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["b.png", "c.png"], Directory.GetFiles(renders).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("2 image(s) with a miss", run.Output, StringComparison.Ordinal);

        // Frames are 2 px just outside the box; the object inside stays as it was.
        using var b = Image.Load<Rgb24>(Path.Combine(renders, "b.png"));
        Assert.Equal(new Rgb24(0, 255, 0), b[29, 45]);     // found: green
        Assert.Equal(new Rgb24(255, 255, 0), b[149, 170]); // missed: yellow
        Assert.Equal(new Rgb24(255, 255, 255), b[45, 45]);
        using var c = Image.Load<Rgb24>(Path.Combine(renders, "c.png"));
        Assert.Equal(new Rgb24(255, 0, 0), c[99, 110]);    // false detection: red
    }

    [Fact]
    public void Table_ShowsAClassRowAndAnOverallRow()
    {
        PerfectSet();
        File.WriteAllText(Path.Combine(Data, "data.yaml"), "names: [white_box]\n");

        var run = CliRun.Of("eval", "--data", Data, "--model", WhiteBox);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        Assert.Contains("3 image(s) (0 unreadable)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"white_box\s+3\s+3\s+1\.000\s+1\.000\s+0\.900\s+1\.000\s+1\.000\s+1\.000\s+0\.00\s+1\.000", run.Output);
        Assert.Matches(@"overall\s+3\s+3\s+1\.000", run.Output);
    }

    [Fact]
    public void DataYamlNames_NameTheClasses_WithAWarningWhenTheyDifferFromTheModels()
    {
        PerfectSet();
        File.WriteAllText(Path.Combine(Data, "data.yaml"), "names:\n  0: pmn2\n");

        var run = CliRun.Of("eval", "--json", "--data", Data, "--model", WhiteBox);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("pmn2", Assert.Single(Json(run).GetProperty("classes").EnumerateArray()).GetProperty("name").GetString());
        Assert.Contains("warning", run.Error, StringComparison.Ordinal);
        Assert.Contains("white_box", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedLabel_StopsTheRun_NamingFileAndLine()
    {
        PerfectSet();
        File.WriteAllText(Path.Combine(Data, "labels", "a.txt"), "0 0.2 0.2 0.1 0.1\n0 0.2 0.2 0.1\n");

        var run = CliRun.Of("eval", "--data", Data, "--model", WhiteBox);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains($"{Path.Combine(Data, "labels", "a.txt")}:2: expected 'class cx cy w h'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnreadableImage_IsNamedAndLeftOut_AndTheExitCodeSaysSo()
    {
        PerfectSet();
        File.WriteAllText(Path.Combine(Data, "images", "d.png"), "not an image");

        var run = CliRun.Of("eval", "--json", "--data", Data, "--model", WhiteBox);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("d.png", run.Error, StringComparison.Ordinal);
        var json = Json(run);
        Assert.Equal(3, json.GetProperty("images").GetInt32());
        Assert.Equal(1, json.GetProperty("unreadable").GetInt32());
        Assert.Equal(1.0, json.GetProperty("overall").GetProperty("ap50").GetDouble());
    }

    [Fact]
    public void AFolderThatIsNotADataset_IsRefusedWithTheReason()
    {
        var run = CliRun.Of("eval", "--data", _root, "--model", WhiteBox);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("needs images/ and labels/", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--conf", "1.5")]
    [InlineData("--conf", "-0.1")]
    public void BadOptions_AreRejected(string option, string value)
    {
        PerfectSet();

        var run = CliRun.Of("eval", option, value, "--data", Data, "--model", WhiteBox);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_IsRequired()
    {
        var run = CliRun.Of("eval", "--model", WhiteBox);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--data", run.Error, StringComparison.Ordinal);
    }
}
