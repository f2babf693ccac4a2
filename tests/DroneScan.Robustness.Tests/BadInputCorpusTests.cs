namespace DroneScan.Robustness.Tests;

/// <summary>
/// Every case of <see cref="BadInputCorpus"/> through every CLI entry point, each in a flight of its own next to
/// two good photos: the case gets its outcome (naming the file), the good photos are still used, exit code 0,
/// no hang, no secret leaked, nothing written outside the database.
/// </summary>
public sealed class BadInputCorpusTests
{
    public static TheoryData<string> CaseIds => new(BadInputCorpus.Cases.Select(c => c.Id));

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Inspect_GivesTheExpectedOutcome_AndReadsTheOtherPhotos(string id)
    {
        using var flight = CorpusFlight.Write(BadInputCorpus.Get(id));

        var run = EntryPoints.Inspect(flight.Folder);

        flight.AssertHandled(run, "inspect", flight.Case.Inspect);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Detect_GivesTheExpectedOutcome_AndDetectsInTheOtherPhotos(string id)
    {
        using var flight = CorpusFlight.Write(BadInputCorpus.Get(id));

        var run = EntryPoints.Detect(flight.Folder);

        flight.AssertHandled(run, "detect", flight.Case.Detect);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Scan_GivesTheExpectedOutcome_AndUsesTheOtherPhotos(string id)
    {
        using var flight = CorpusFlight.Write(BadInputCorpus.Get(id));

        var run = EntryPoints.Scan(flight.Folder, flight.Database, flight.FileNames);

        flight.AssertHandled(run, "scan", flight.Case.Scan);
    }

    [Fact]
    public void Corpus_HasAtLeast40Cases_WithUniqueIds()
    {
        Assert.True(BadInputCorpus.Cases.Count >= 40, $"{BadInputCorpus.Cases.Count} cases");
        Assert.Equal(BadInputCorpus.Cases.Count, BadInputCorpus.Cases.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void CorpusTable_InDocs_MatchesTheCorpus()
    {
        // To regenerate after changing the corpus: DRONESCAN_UPDATE_CORPUS_TABLE=1 dotnet test --filter CorpusTable
        string expected = CorpusTable.Markdown();
        if (Environment.GetEnvironmentVariable("DRONESCAN_UPDATE_CORPUS_TABLE") == "1")
        {
            File.WriteAllText(TestPaths.CorpusTable, expected);
        }

        Assert.True(File.Exists(TestPaths.CorpusTable), $"{TestPaths.CorpusTable} is missing");
        Assert.Equal(expected, File.ReadAllText(TestPaths.CorpusTable).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Detect_And_Scan_FailAPhotoOverThePerPhotoTimeLimit_WithTimeout()
    {
        using var flight = CorpusFlight.Write(BadInputCorpus.Get("orientation-1"));

        var detect = EntryPoints.Detect(flight.Folder, "--photo-timeout", "0.000001");
        var scan = EntryPoints.Scan(flight.Folder, flight.Database, flight.FileNames, "--photo-timeout", "0.000001");

        Assert.All(flight.FileNames, name => Assert.Equal("error timeout", detect.Outcomes[name]));
        Assert.All(flight.FileNames, name => Assert.Equal("failed timeout", scan.Outcomes[name]));
        Assert.Contains("per-photo limit", scan.Output, StringComparison.Ordinal);
        Assert.Equal(1, scan.ExitCode); // no photo could be used
    }

    [Fact]
    public void Detect_And_Scan_RefuseAPhotoOverAConfiguredPixelLimit()
    {
        using var flight = CorpusFlight.Write(BadInputCorpus.Get("orientation-1"));

        var detect = EntryPoints.Detect(flight.Folder, "--max-megapixels", "0.1");
        var scan = EntryPoints.Scan(flight.Folder, flight.Database, flight.FileNames, "--max-megapixels", "0.1");

        Assert.Equal("error image-too-large", detect.Outcomes[BadInputCorpus.GoodPhoto1]);
        Assert.Equal("failed image-too-large", scan.Outcomes[BadInputCorpus.GoodPhoto1]);
        Assert.Contains("over the 0.1 MP limit", detect.Output, StringComparison.Ordinal);
    }
}
