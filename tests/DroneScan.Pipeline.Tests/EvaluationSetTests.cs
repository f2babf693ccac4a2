using DroneScan.Pipeline.Evaluate;

namespace DroneScan.Pipeline.Tests;

public sealed class EvaluationSetTests : IDisposable
{
    private static readonly string[] Names = ["ap_mine", "at_mine", "uxo"];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Root => Path.Combine(_temp.Path, "flights");

    private void Write(string relativePath, string content)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Three flights (F03 written first, so order is by name, not creation) and a folder that is no flight.</summary>
    private void ThreeFlights()
    {
        foreach (var flight in new[] { "F03", "F01", "F02" })
        {
            Write($"{flight}/images/a.jpg", "");
            Write($"{flight}/labels/a.txt", "1 0.5 0.5 0.1 0.1\n");
        }

        Write("notes/readme.txt", "");
    }

    [Fact]
    public void Open_ADatasetFolder_IsOneGroup()
    {
        Write("images/a.jpg", "");
        Write("labels/a.txt", "");

        var set = EvaluationSet.Open(Root, Names);

        Assert.False(set.IsFlights);
        var group = Assert.Single(set.Groups);
        Assert.Equal("flights", group.Name);
        Assert.Equal("a.jpg", Assert.Single(group.Dataset.Images).RelativePath);
    }

    [Fact]
    public void Open_AFolderOfFlights_IsAGroupPerFlight_InNameOrder_WithPathsUnderTheFlight()
    {
        ThreeFlights();

        var set = EvaluationSet.Open(Root, Names);

        Assert.True(set.IsFlights);
        Assert.Equal(["F01", "F02", "F03"], set.Groups.Select(g => g.Name));
        Assert.Equal(Path.Combine("F02", "a.jpg"), Assert.Single(set.Groups[1].Dataset.Images).RelativePath);
        Assert.Equal(Path.Combine(Root, "F02", "images", "a.jpg"), set.Groups[1].Dataset.Images[0].ImagePath);
        Assert.Single(set.Groups[1].Dataset.Images[0].Labels);
    }

    [Fact]
    public void Open_WithFlights_TakesOnlyThose_InTheOrderAsked()
    {
        ThreeFlights();

        var set = EvaluationSet.Open(Root, Names, ["F03", "F01", "F03"]);

        Assert.Equal(["F03", "F01"], set.Groups.Select(g => g.Name));
    }

    [Fact]
    public void Open_RefusesAnUnknownFlight_ListingTheFlightsThereAre()
    {
        ThreeFlights();

        var ex = Assert.Throws<DatasetException>(() => EvaluationSet.Open(Root, Names, ["F09"]));

        Assert.StartsWith($"{Path.Combine(Root, "F09")}: no such flight", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("F01, F02, F03", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RefusesFlightsOfADatasetFolder()
    {
        Write("images/a.jpg", "");
        Write("labels/a.txt", "");

        var ex = Assert.Throws<DatasetException>(() => EvaluationSet.Open(Root, Names, ["F01"]));

        Assert.Contains("not a folder of flights", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RefusesAFolderWithNeitherImagesAndLabelsNorFlights()
    {
        Write("notes/readme.txt", "");

        var ex = Assert.Throws<DatasetException>(() => EvaluationSet.Open(Root, Names));

        Assert.Contains("needs images/ and labels/", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AnyClassId_AcceptsLabelClassesTheNamesDoNotHave()
    {
        Write("F01/images/a.jpg", "");
        Write("F01/labels/a.txt", "5 0.5 0.5 0.1 0.1\n");

        Assert.Throws<DatasetException>(() => EvaluationSet.Open(Root, Names));
        var label = Assert.Single(Assert.Single(EvaluationSet.Open(Root, Names, anyClassId: true).Groups).Dataset.Images[0].Labels);
        Assert.Equal(5, label.ClassId);
    }
}
