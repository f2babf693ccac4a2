using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Cli.Tests;

public sealed class DetectCommandTests : IDisposable
{
    private static readonly string WhiteBox = Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256.onnx");
    private static readonly string Ultralytics = Path.Combine(AppContext.BaseDirectory, "Models", "ultralytics-1class.onnx");

    private readonly string _folder = Directory.CreateTempSubdirectory("dronescan-detect-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    /// <summary>A black JPEG with one white rectangle, optionally with an EXIF orientation.</summary>
    private string Photo(string relativePath, int width, int height, (int X1, int Y1, int X2, int Y2) box, ushort orientation = 1)
    {
        string path = Path.Combine(_folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, new Rgb24(0, 0, 0));
        for (int y = box.Y1; y < box.Y2; y++)
        {
            for (int x = box.X1; x < box.X2; x++)
            {
                image[x, y] = new Rgb24(255, 255, 255);
            }
        }

        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        image.SaveAsJpeg(path, new JpegEncoder { Quality = 100 });
        return path;
    }

    [Fact]
    public void Json_IsOneObjectPerPhotoPerLine_InTheStableFormat()
    {
        string photo = Photo("a.jpg", 600, 400, (300, 200, 330, 220));

        var run = CliRun.Of("detect", "--json", "--model", WhiteBox, photo);

        Assert.Equal(0, run.ExitCode);
        var line = Assert.Single(run.JsonLines());
        Assert.Equal(photo, line.GetProperty("file").GetString());
        Assert.Equal(600, line.GetProperty("width").GetInt32());
        Assert.Equal(400, line.GetProperty("height").GetInt32());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        var d = Assert.Single(line.GetProperty("detections").EnumerateArray());
        Assert.Equal("white_box", d.GetProperty("label").GetString());
        Assert.Equal(0.9, d.GetProperty("score").GetDouble(), 4);
        Assert.Equal(300, d.GetProperty("x1").GetDouble(), 1.0);
        Assert.Equal(200, d.GetProperty("y1").GetDouble(), 1.0);
        Assert.Equal(330, d.GetProperty("x2").GetDouble(), 1.0);
        Assert.Equal(220, d.GetProperty("y2").GetDouble(), 1.0);
    }

    [Fact]
    public void Folders_AreSearchedRecursively_AndABadPhotoStillGetsItsLine()
    {
        Photo("flight/a.jpg", 300, 300, (10, 10, 20, 20));
        Photo("flight/sub/b.jpg", 300, 300, (50, 50, 70, 60));
        File.WriteAllText(Path.Combine(_folder, "flight", "sub", "c.jpg"), "not a photo");
        File.WriteAllText(Path.Combine(_folder, "flight", "notes.txt"), "ignored");

        var run = CliRun.Of("detect", "--json", "--model", WhiteBox, Path.Combine(_folder, "flight"));

        Assert.Equal(0, run.ExitCode);
        var lines = run.JsonLines();
        Assert.Equal(3, lines.Count);
        var bad = Assert.Single(lines, l => l.GetProperty("error").ValueKind == JsonValueKind.String);
        Assert.EndsWith("c.jpg", bad.GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.Contains("not a JPEG, PNG or TIFF", bad.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(bad.GetProperty("detections").EnumerateArray());
        Assert.All(lines.Where(l => l.GetProperty("error").ValueKind == JsonValueKind.Null), l => Assert.Single(l.GetProperty("detections").EnumerateArray()));
    }

    [Fact]
    public void Boxes_AreInTheOrientedFrame_ForAnExifOrientation6Photo()
    {
        // Stored 400 × 300, rectangle x 50–90, y 20–40; shown rotated 90° clockwise: (x, y) → (300 − y, x).
        string photo = Photo("rotated.jpg", 400, 300, (50, 20, 90, 40), orientation: 6);

        var line = Assert.Single(CliRun.Of("detect", "--json", "--model", WhiteBox, photo).JsonLines());

        Assert.Equal(300, line.GetProperty("width").GetInt32());
        Assert.Equal(400, line.GetProperty("height").GetInt32());
        var d = Assert.Single(line.GetProperty("detections").EnumerateArray());
        Assert.Equal(260, d.GetProperty("x1").GetDouble(), 1.0);
        Assert.Equal(50, d.GetProperty("y1").GetDouble(), 1.0);
        Assert.Equal(280, d.GetProperty("x2").GetDouble(), 1.0);
        Assert.Equal(90, d.GetProperty("y2").GetDouble(), 1.0);
    }

    [Fact]
    public void Conf_FiltersByScore()
    {
        // The Ultralytics fixture scores 0.8 on a fixed box in every black tile; above 0.85 nothing is left.
        string photo = Photo("black.jpg", 640, 640, (0, 0, 0, 0));

        var low = Assert.Single(CliRun.Of("detect", "--json", "--model", Ultralytics, photo).JsonLines());
        var high = Assert.Single(CliRun.Of("detect", "--json", "--conf", "0.85", "--model", Ultralytics, photo).JsonLines());

        Assert.Equal("landmine", Assert.Single(low.GetProperty("detections").EnumerateArray()).GetProperty("label").GetString());
        Assert.Empty(high.GetProperty("detections").EnumerateArray());
    }

    [Fact]
    public void ABrokenModel_FailsBeforeAnyPhoto_NamingTheFile()
    {
        string photo = Photo("a.jpg", 300, 300, (10, 10, 20, 20));
        string model = Path.Combine(AppContext.BaseDirectory, "Models", "bad-output-rank.onnx");

        var run = CliRun.Of("detect", "--json", "--model", model, photo);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Empty(run.Output.Trim());
        Assert.Contains("bad-output-rank.onnx", run.Error, StringComparison.Ordinal);
        Assert.Contains("output", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--conf", "1.5")]
    [InlineData("--overlap", "0.99")]
    [InlineData("--batch", "0")]
    [InlineData("--merge", "average")]
    public void BadOptions_AreRejected(string option, string value)
    {
        var run = CliRun.Of("detect", option, value, "--model", WhiteBox, _folder);

        Assert.NotEqual(0, run.ExitCode);
        Assert.True(run.Error.Contains(option, StringComparison.Ordinal) || run.Error.Contains($"'{value}'", StringComparison.Ordinal), run.Error);
    }

    [Fact]
    public void Table_SummarisesTheRun()
    {
        string photo = Photo("a.jpg", 600, 400, (300, 200, 330, 220));

        var run = CliRun.Of("detect", "--model", WhiteBox, photo);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1 detection(s)", run.Output, StringComparison.Ordinal);
        Assert.Contains("white_box", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 photo(s), 0 unreadable", run.Output, StringComparison.Ordinal);
    }
}
