using System.Globalization;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Cli.Tests;

/// <summary><c>eval</c> over a folder of flights, class-agnostic evaluation, and the object-free false boxes.</summary>
public sealed class EvalFlightsCommandTests : IDisposable
{
    // The white-box fixture returns the exact extent of each white rectangle with score 0.9 (make_fixtures.py);
    // images are 256 × 256 PNGs (one tile, lossless, 0.065536 MP each).
    private const int Size = 256;
    private const double ImageMp = Size * Size / 1e6;
    private static readonly string WhiteBox = Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256.onnx");

    private readonly string _root = Directory.CreateTempSubdirectory("dronescan-eval-flights-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    /// <summary>A black PNG under flight/images/ with one white rectangle (or none), and its label file: class
    /// <paramref name="labelClass"/> on the rectangle, an empty file (<paramref name="labelled"/> false), or none
    /// (<paramref name="labelFile"/> false).</summary>
    private void Sample(string flight, string name, (int X1, int Y1, int X2, int Y2)? drawn, bool labelled = true, int labelClass = 0, bool labelFile = true)
    {
        string images = Path.Combine(_root, flight, "images"), labels = Path.Combine(_root, flight, "labels");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(labels);
        using var image = new Image<Rgb24>(Size, Size, new Rgb24(0, 0, 0));
        if (drawn is var (x1, y1, x2, y2))
        {
            for (int y = y1; y < y2; y++)
            {
                for (int x = x1; x < x2; x++)
                {
                    image[x, y] = new Rgb24(255, 255, 255);
                }
            }

            image.SaveAsPng(Path.Combine(images, name + ".png"));
            if (labelFile)
            {
                File.WriteAllText(
                    Path.Combine(labels, name + ".txt"),
                    labelled ? string.Create(CultureInfo.InvariantCulture, $"{labelClass} {(x1 + x2) / 2.0 / Size} {(y1 + y2) / 2.0 / Size} {(double)(x2 - x1) / Size} {(double)(y2 - y1) / Size}\n") : "");
            }
        }
        else
        {
            image.SaveAsPng(Path.Combine(images, name + ".png"));
            if (labelFile)
            {
                File.WriteAllText(Path.Combine(labels, name + ".txt"), "");
            }
        }
    }

    /// <summary>
    /// F01: a (object found) and b (nothing labelled, a white rectangle: a false box on an object-free image).
    /// F02: c (object found) and d (no label file, nothing drawn: object-free and clean).
    /// </summary>
    private void TwoFlights()
    {
        Sample("F01", "a", (40, 40, 80, 70));
        Sample("F01", "b", (100, 100, 120, 120), labelled: false);
        Sample("F02", "c", (20, 20, 60, 50));
        Sample("F02", "d", null, labelFile: false);
    }

    private static JsonElement Json(CliRun run) => JsonDocument.Parse(run.Output).RootElement.Clone();

    [Fact]
    public void AFolderOfFlights_IsEvaluatedPerFlightAndPooled_WithFalseBoxesPerMegapixelOnObjectFreeImages()
    {
        // Every box scores 0.9. Pooled: 2 objects, 3 boxes (2 found, b's false) → one point, P ⅔, R 1: AP50 ⅔,
        // best F1 at 0.9. Object-free images b and d (2 × 0.065536 MP) hold 1 box at 0.9 → 7.629395 per MP.
        // F01: 1 object, 2 boxes → P ½, R 1, AP50 ½; object-free b: 1 / 0.065536 = 15.258789 per MP.
        // F02: 1 object, 1 box → AP50 1; object-free d: no box → 0 per MP.
        TwoFlights();

        var run = CliRun.Of("eval", "--json", "--data", _root, "--model", WhiteBox);

        Assert.Equal(0, run.ExitCode);
        var json = Json(run);
        Assert.Equal(4, json.GetProperty("images").GetInt32());
        Assert.False(json.GetProperty("agnostic").GetBoolean());
        Assert.Equal(2.0 / 3, json.GetProperty("overall").GetProperty("ap50").GetDouble(), 6);
        var pooled = json.GetProperty("objectFree");
        Assert.Equal(0.9, pooled.GetProperty("threshold").GetDouble());
        Assert.Equal((2, 1), (pooled.GetProperty("images").GetInt32(), pooled.GetProperty("boxes").GetInt32()));
        Assert.Equal(1 / (2 * ImageMp), pooled.GetProperty("fpPerMegapixel").GetDouble(), 1e-6);

        var flights = json.GetProperty("flights").EnumerateArray().ToList();
        Assert.Equal(["F01", "F02"], flights.Select(f => f.GetProperty("name").GetString()));
        Assert.All(flights, f => Assert.Equal(2, f.GetProperty("images").GetInt32()));
        Assert.Equal(0.5, flights[0].GetProperty("overall").GetProperty("ap50").GetDouble(), 6);
        Assert.Equal(1.0, flights[1].GetProperty("overall").GetProperty("ap50").GetDouble(), 6);
        Assert.Equal(1 / ImageMp, flights[0].GetProperty("objectFree").GetProperty("fpPerMegapixel").GetDouble(), 1e-6);
        Assert.Equal(0.0, flights[1].GetProperty("objectFree").GetProperty("fpPerMegapixel").GetDouble());
    }

    [Fact]
    public void ObjectsTouchingTheImageEdge_AreCountedApartFromWholeOnes_AtTheReportedScore()
    {
        // a's object (40..80) lies inside; e's (0..30 in x) touches the left edge, as a piece cut by tiling would.
        // Both are found at 0.9 (the best-F1 score); at --conf 0.95 neither is.
        Sample("F01", "a", (40, 40, 80, 70));
        Sample("F01", "e", (0, 100, 30, 130));

        var json = Json(CliRun.Of("eval", "--json", "--data", _root, "--model", WhiteBox));
        var strict = Json(CliRun.Of("eval", "--json", "--data", _root, "--model", WhiteBox, "--conf", "0.95"));
        var table = CliRun.Of("eval", "--data", _root, "--model", WhiteBox);

        var edge = json.GetProperty("edge");
        Assert.Equal(0.9, edge.GetProperty("threshold").GetDouble(), 6);
        Assert.Equal((1, 1, 1, 1), (edge.GetProperty("edgeObjects").GetInt32(), edge.GetProperty("edgeFound").GetInt32(),
            edge.GetProperty("innerObjects").GetInt32(), edge.GetProperty("innerFound").GetInt32()));
        var none = strict.GetProperty("edge");
        Assert.Equal((1, 0, 1, 0), (none.GetProperty("edgeObjects").GetInt32(), none.GetProperty("edgeFound").GetInt32(),
            none.GetProperty("innerObjects").GetInt32(), none.GetProperty("innerFound").GetInt32()));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("Objects touching the image edge (often pieces cut by tiling), at 0.900: found 1 of 1; clear of the edge: 1 of 1 (recall 1.000)", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweep_ReportsEachScore_PooledPerFlightAndOnObjectFreeImages()
    {
        // Every box scores 0.9: at 0.5 the three boxes are in (2 found, b's false box on 0.131072 MP object-free);
        // at 0.95 none is. In the table, one row per score.
        TwoFlights();

        var json = Json(CliRun.Of("eval", "--json", "--data", _root, "--model", WhiteBox, "--sweep", "0.95", "0.5"));
        var table = CliRun.Of("eval", "--data", _root, "--model", WhiteBox, "--sweep", "0.5", "0.95");

        var sweep = json.GetProperty("sweep").EnumerateArray().ToList();
        Assert.Equal([0.5, 0.95], sweep.Select(s => s.GetProperty("threshold").GetDouble()));
        var at05 = sweep[0].GetProperty("overall");
        Assert.Equal((2, 1, 0), (at05.GetProperty("tp").GetInt32(), at05.GetProperty("fp").GetInt32(), at05.GetProperty("fn").GetInt32()));
        Assert.Equal(1 / (2 * ImageMp), sweep[0].GetProperty("objectFree").GetProperty("fpPerMegapixel").GetDouble(), 1e-6);
        Assert.Equal(0, sweep[1].GetProperty("overall").GetProperty("tp").GetInt32());
        Assert.Equal(0, sweep[1].GetProperty("objectFree").GetProperty("boxes").GetInt32());
        var flights = sweep[0].GetProperty("flights").EnumerateArray().ToList();
        Assert.Equal(["F01", "F02"], flights.Select(f => f.GetProperty("name").GetString()));
        Assert.All(flights, f => Assert.Equal(1.0, f.GetProperty("point").GetProperty("recall").GetDouble()));

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("Threshold sweep", table.Output, StringComparison.Ordinal);
        Assert.Matches(@"0\.500\s+0\.667\s+1\.000\s+2\s+1\s+3\.81\s+7\.63", table.Output); // P, R, tp, fp, FP/MP all, FP/MP free
        Assert.Matches(@"0\.950\s+0\.000\s+0\.000\s+0\s+0\s+0\.00\s+0\.00", table.Output);
        var refused = CliRun.Of("eval", "--data", _root, "--model", WhiteBox, "--sweep", "1.5");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--sweep scores must be in [0, 1], not 1.5", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Flights_PicksTheNamedFlightsOnly()
    {
        TwoFlights();

        var json = Json(CliRun.Of("eval", "--json", "--data", _root, "--flights", "F02", "--model", WhiteBox));

        Assert.Equal("F02", Assert.Single(json.GetProperty("flights").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(2, json.GetProperty("images").GetInt32());
        Assert.Equal(0, json.GetProperty("objectFree").GetProperty("boxes").GetInt32());
    }

    [Fact]
    public void AnUnknownFlight_IsRefusedWithTheFlightsThereAre()
    {
        TwoFlights();

        var run = CliRun.Of("eval", "--data", _root, "--flights", "F01", "F09", "--model", WhiteBox);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no such flight", run.Error, StringComparison.Ordinal);
        Assert.Contains("F01, F02", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_HasARowPerFlight_AndTheObjectFreeRates()
    {
        TwoFlights();

        var run = CliRun.Of("eval", "--data", _root, "--model", WhiteBox, "--conf", "0.5");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("2 flight(s): F01, F02", run.Output, StringComparison.Ordinal);
        Assert.Contains("Per flight, each at its own best-F1 score", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"F01\s+1\s+2\s+0\.500", run.Output);   // objects, boxes, AP50
        Assert.Matches(@"F02\s+1\s+1\s+1\.000", run.Output);
        Assert.Matches(@"all\s+2\s+3\s+0\.667", run.Output);
        Assert.Contains("FP/MP on object-free images (no object labelled), boxes scoring >= 0.500 (--conf)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"F01\s+1\s+0\.07\s+1\s+15\.26", run.Output); // images, MP, boxes, FP/MP
        Assert.Matches(@"F02\s+1\s+0\.07\s+0\s+0\.00", run.Output);
        Assert.Matches(@"all\s+2\s+0\.13\s+1\s+7\.63", run.Output);
    }

    [Fact]
    public void Agnostic_MatchesAcrossClasses_EvenClassesTheModelDoesNotHave()
    {
        // Labels of class 1 (say pfm-1) for a one-class model: by class the labels are refused; class-agnostic
        // every white rectangle is an object found.
        Sample("F01", "a", (40, 40, 80, 70), labelClass: 1);
        Sample("F02", "c", (20, 20, 60, 50), labelClass: 1);

        var byClass = CliRun.Of("eval", "--json", "--data", _root, "--model", WhiteBox);
        var agnostic = CliRun.Of("eval", "--json", "--agnostic", "--data", _root, "--model", WhiteBox);
        var table = CliRun.Of("eval", "--agnostic", "--data", _root, "--model", WhiteBox);

        Assert.Equal(1, byClass.ExitCode);
        Assert.Contains("class 1 is not one of the 1 classes", byClass.Error, StringComparison.Ordinal);
        Assert.Equal(0, agnostic.ExitCode);
        var json = Json(agnostic);
        Assert.True(json.GetProperty("agnostic").GetBoolean());
        Assert.Equal("object", Assert.Single(json.GetProperty("classes").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(1.0, json.GetProperty("overall").GetProperty("ap50").GetDouble());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("objectFree").GetProperty("fpPerMegapixel").ValueKind); // no object-free image
        Assert.Contains("Class-agnostic", table.Output, StringComparison.Ordinal);
        Assert.Matches(@"object\s+2\s+2\s+1\.000", table.Output);
    }

    [Fact]
    public void OneDataset_HasNoFlights_ButStillTheObjectFreeRate()
    {
        Sample("val", "a", (40, 40, 80, 70));
        Sample("val", "b", (100, 100, 120, 120), labelled: false);

        var json = Json(CliRun.Of("eval", "--json", "--data", Path.Combine(_root, "val"), "--model", WhiteBox));

        Assert.Equal(JsonValueKind.Null, json.GetProperty("flights").ValueKind);
        Assert.Equal(1 / ImageMp, json.GetProperty("objectFree").GetProperty("fpPerMegapixel").GetDouble(), 1e-6);
    }
}
