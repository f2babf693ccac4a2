using DroneScan.Core.Detection;
using DroneScan.Pipeline.Evaluate;

namespace DroneScan.Pipeline.Tests;

public sealed class YoloDatasetTests : IDisposable
{
    private static readonly string[] Names = ["ap_mine", "uxo"];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string relativePath, string content)
    {
        string path = Path.Combine(_temp.Path, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void ALabel_BecomesAPixelBox_InTheImagesSize()
    {
        // 640 × 480: centre (0.5, 0.25) → (320, 120); size 0.1 × 0.2 → 64 × 96 px → x 288–352, y 72–168.
        var label = Assert.Single(YoloLabels.Parse("1 0.5 0.25 0.1 0.2\n", "a.txt", Names));

        var box = label.ToPixels(640, 480);

        Assert.Equal(1, box.ClassId);
        Assert.Equal(new PixelBox(288, 72, 352, 168), box.Box);
    }

    [Fact]
    public void ALabelCrossingTheBorder_IsClippedToTheImage()
    {
        // Centre x 0.02 of 100 px = 2, width 10 px → x −3 to 7, clipped to 0 to 7.
        var box = Assert.Single(YoloLabels.Parse("0 0.02 0.5 0.1 0.1", "a.txt", Names)).ToPixels(100, 100);

        Assert.Equal(new PixelBox(0, 45, 7, 55), box.Box);
    }

    [Fact]
    public void BlankLinesAndWindowsLineEnds_AreAccepted()
    {
        var labels = YoloLabels.Parse("0 0.5 0.5 0.1 0.1\r\n\r\n1\t0.2 0.2 0.05 0.05\r\n", "a.txt", Names);

        Assert.Equal([0, 1], labels.Select(l => l.ClassId));
    }

    [Theory]
    [InlineData("0 0.5 0.5 0.1\n", "x/a.txt:2: expected 'class cx cy w h' (5 fields), found 4")]
    [InlineData("0 0.1 0.1 0.2 0.1 0.2 0.2\n", "x/a.txt:2: expected 'class cx cy w h' (5 fields), found 7 (polygon")]
    [InlineData("mine 0.5 0.5 0.1 0.1\n", "x/a.txt:2: class 'mine' is not a class index")]
    [InlineData("-1 0.5 0.5 0.1 0.1\n", "x/a.txt:2: class '-1' is not a class index")]
    [InlineData("2 0.5 0.5 0.1 0.1\n", "x/a.txt:2: class 2 is not one of the 2 classes (0–1: ap_mine, uxo)")]
    [InlineData("0 0.5 abc 0.1 0.1\n", "x/a.txt:2: cy 'abc' is not a number")]
    [InlineData("0 0.5 0.5 NaN 0.1\n", "x/a.txt:2: w 'NaN' is not a number")]
    [InlineData("0 320 240 0.1 0.1\n", "x/a.txt:2: cx 320 is outside 0–1")]
    [InlineData("0 0.5 0.5 0 0.1\n", "x/a.txt:2: the box has no area")]
    public void MalformedLines_AreNamedWithFileAndLine(string secondLine, string message)
    {
        var ex = Assert.Throws<DatasetException>(() => YoloLabels.Parse("0 0.5 0.5 0.1 0.1\n" + secondLine, "x/a.txt", Names));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PairsImagesWithLabelsByRelativePath_AndTakesNamesFromDataYaml()
    {
        Write("val/images/a.jpg", "");
        Write("val/images/sub/b.PNG", "");
        Write("val/images/notes.txt", "");
        Write("val/labels/a.txt", "1 0.5 0.5 0.1 0.1\n");
        Write("val/labels/sub/b.txt", "");
        Write("val/data.yaml", "names: [ap_mine, uxo]\n");

        var dataset = YoloDataset.Open(Path.Combine(_temp.Path, "val"), ["from_model"]);

        Assert.Equal(["ap_mine", "uxo"], dataset.ClassNames);
        Assert.Equal(["a.jpg", Path.Combine("sub", "b.PNG")], dataset.Images.Select(i => i.RelativePath));
        Assert.Single(dataset.Images.Single(i => i.RelativePath == "a.jpg").Labels);
        Assert.Empty(dataset.Images.Single(i => i.RelativePath != "a.jpg").Labels);
    }

    [Fact]
    public void Open_WithoutDataYaml_UsesTheModelsNames_AndAnImageWithoutALabelFileHasNoObjects()
    {
        Write("ds/images/a.jpg", "");
        Directory.CreateDirectory(Path.Combine(_temp.Path, "ds", "labels"));

        var dataset = YoloDataset.Open(Path.Combine(_temp.Path, "ds"), ["white_box"]);

        Assert.Equal(["white_box"], dataset.ClassNames);
        Assert.Null(dataset.DataYamlPath);
        var image = Assert.Single(dataset.Images);
        Assert.Null(image.LabelPath);
        Assert.Empty(image.Labels);
    }

    [Fact]
    public void Open_ChecksLabelClassesAgainstTheModelsNames_WhenThereIsNoDataYaml()
    {
        Write("ds/images/a.jpg", "");
        string label = Write("ds/labels/a.txt", "1 0.5 0.5 0.1 0.1\n");

        var ex = Assert.Throws<DatasetException>(() => YoloDataset.Open(Path.Combine(_temp.Path, "ds"), ["white_box"]));

        Assert.StartsWith($"{label}:1: class 1 is not one of the 1 classes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RefusesAFolderWithoutImagesAndLabels()
    {
        Write("root/val/images/a.jpg", "");
        Write("root/val/labels/a.txt", "");

        var ex = Assert.Throws<DatasetException>(() => YoloDataset.Open(Path.Combine(_temp.Path, "root"), Names));

        Assert.Contains("needs images/ and labels/", ex.Message, StringComparison.Ordinal);
        Assert.Contains("root", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RefusesAMissingFolderAndAnEmptyImagesFolder()
    {
        Directory.CreateDirectory(Path.Combine(_temp.Path, "empty", "images"));
        Directory.CreateDirectory(Path.Combine(_temp.Path, "empty", "labels"));

        Assert.Contains("no such folder", Assert.Throws<DatasetException>(() => YoloDataset.Open(Path.Combine(_temp.Path, "nope"), Names)).Message, StringComparison.Ordinal);
        Assert.Contains("no images", Assert.Throws<DatasetException>(() => YoloDataset.Open(Path.Combine(_temp.Path, "empty"), Names)).Message, StringComparison.Ordinal);
    }
}
