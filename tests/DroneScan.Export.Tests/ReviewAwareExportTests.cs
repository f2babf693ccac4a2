using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace DroneScan.Export.Tests;

/// <summary>Exports carry the class after review in <c>class</c> and the model's in <c>model_class</c>; the CSV
/// download is one zip with its IMSMA field mapping.</summary>
public sealed class ReviewAwareExportTests
{
    private readonly ExportData data = ExportTestData.Create();

    [Fact]
    public void Csv_Class_IsTheReviewersClass_AndModelClass_TheModels()
    {
        using var output = new MemoryStream();
        HazardExporter.Write(ExportFormat.Csv, ExportLayer.Points, data, output);
        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        int cls = Array.IndexOf(header, "class");
        int model = Array.IndexOf(header, "model_class");

        // Hazard A: the model said ap_mine, the analyst reclassified it (a label with a comma and quotes, so quoted).
        var a = lines.Single(l => l.Contains("a1b2c3d4e5f6", StringComparison.Ordinal));
        Assert.Contains("\"PMN-2, \"\"green\"\"\"", a, StringComparison.Ordinal);
        // The quoted label holds a comma, so count model_class's column from the end of the row.
        Assert.True(model > cls, "model_class should come after the quoted label");
        Assert.Equal("ap_mine", a.Split(',')[^(header.Length - model)]);

        // Hazard B, never reviewed: both are the model's.
        var b = lines.Single(l => l.Contains("b2c3d4e5f6a1", StringComparison.Ordinal)).Split(',');
        Assert.Equal(("uxo", "uxo"), (b[cls], b[^(header.Length - model)]));
    }

    [Fact]
    public void CsvZip_HoldsTheCsvAndItsImsmaMapping_NamingModelClass()
    {
        using var output = new MemoryStream();
        HazardExporter.WriteCsvZip(ExportLayer.Points, data, output, "north-2025-05-01-points");

        using var zip = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(["north-2025-05-01-points.csv", "north-2025-05-01-points.imsma-mapping.csv"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var reader = new StreamReader(zip.GetEntry("north-2025-05-01-points.imsma-mapping.csv")!.Open(), Encoding.UTF8);
        string mapping = reader.ReadToEnd();
        Assert.Contains("model_class,", mapping, StringComparison.Ordinal);
        Assert.Contains("class,", mapping, StringComparison.Ordinal);
    }

    /// <summary>Every row of every layer's template has its own Azerbaijani and Russian description (none left in
    /// English, none empty); English, the invariant culture and a language without translations get the English.</summary>
    [Theory]
    [InlineData(ExportLayer.Points)]
    [InlineData(ExportLayer.Coverage)]
    [InlineData(ExportLayer.Areas)]
    public void ImsmaMapping_IsDescribedInAzerbaijaniAndRussian(ExportLayer layer)
    {
        var english = Mapping(layer, null);
        Assert.Equal(english, Mapping(layer, CultureInfo.GetCultureInfo("en-GB")));
        Assert.Equal(english, Mapping(layer, CultureInfo.InvariantCulture));
        Assert.Equal(english, Mapping(layer, CultureInfo.GetCultureInfo("fr")));
        foreach (var (lang, letters) in new[] { ("az", "[əğıöşüçİ]"), ("ru", "[а-яё]") })
        {
            var local = Mapping(layer, CultureInfo.GetCultureInfo(lang));
            Assert.Equal(english.Keys, local.Keys);
            foreach (var (field, text) in local)
            {
                Assert.False(string.IsNullOrWhiteSpace(text), $"{lang} {layer} {field}: empty");
                Assert.NotEqual(english[field], text);
            }

            Assert.Matches(letters, string.Concat(local.Values));
        }
    }

    /// <summary>The template's descriptions by field.</summary>
    private Dictionary<string, string> Mapping(ExportLayer layer, CultureInfo? language)
    {
        using var output = new MemoryStream();
        CsvExportWriter.WriteImsmaMapping(ExportSchema.Build(layer, [data]), output, language);
        var rows = Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1);
        return rows.Select(Cells).ToDictionary(c => c[0], c => c[4], StringComparer.Ordinal);
    }

    /// <summary>The cells of an RFC 4180 row (quoted cells may hold commas and doubled quotes).</summary>
    private static List<string> Cells(string row)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < row.Length; i++)
        {
            char c = row[i];
            if (quoted && c == '"' && i + 1 < row.Length && row[i + 1] == '"')
            {
                cell.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }

    [Fact]
    public void Gpx_NamesAPointByItsClassAfterReview()
    {
        using var output = new MemoryStream();
        HazardExporter.Write(ExportFormat.Gpx, ExportLayer.Points, data, output);
        string gpx = Encoding.UTF8.GetString(output.ToArray());

        Assert.Contains("a1b2c3d4 PMN-2", gpx, StringComparison.Ordinal);
        Assert.DoesNotContain("a1b2c3d4 ap_mine", gpx, StringComparison.Ordinal);
    }
}
