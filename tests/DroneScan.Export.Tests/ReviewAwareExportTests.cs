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
