namespace DroneScan.Export.Tests;

public sealed class ExportFormatsTests
{
    [Theory]
    [InlineData("geojson", ExportFormat.GeoJson)]
    [InlineData("KML", ExportFormat.Kml)]
    [InlineData("gpx", ExportFormat.Gpx)]
    [InlineData(".csv", ExportFormat.Csv)]
    [InlineData("shp", ExportFormat.Shapefile)]
    [InlineData("Shapefile", ExportFormat.Shapefile)]
    [InlineData("gpkg", ExportFormat.GeoPackage)]
    [InlineData(" geopackage ", ExportFormat.GeoPackage)]
    public void Parse_AcceptsNamesAndExtensions(string name, ExportFormat expected) =>
        Assert.Equal(expected, ExportFormats.Parse(name));

    [Fact]
    public void Parse_Throws_ListingValidNames_WhenUnknown()
    {
        var e = Assert.Throws<FormatException>(() => ExportFormats.Parse("dxf"));

        Assert.Contains("'dxf'", e.Message, StringComparison.Ordinal);
        Assert.Contains("geojson, kml, gpx, csv, shp, shapefile, gpkg, geopackage", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultExtension_ParsesBackToTheSameFormat()
    {
        foreach (var format in Enum.GetValues<ExportFormat>())
            Assert.Equal(format, ExportFormats.Parse(ExportFormats.DefaultExtension(format)));
    }

    [Theory]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("PMN-2", "PMN-2")]
    [InlineData("", "")]
    public void GuardFormula_PrefixesFormulaStarts(string value, string expected) =>
        Assert.Equal(expected, CsvExportWriter.GuardFormula(value));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    public void Quote_FollowsRfc4180(string value, string expected) =>
        Assert.Equal(expected, CsvExportWriter.Quote(value));

    [Fact]
    public void FieldDocs_ListEveryFieldAndShapefileName()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "export-fields.md"));

        foreach (var field in ExportSchema.PointFields.Concat(ExportSchema.CoverageFields).Concat(ExportSchema.AreaFields))
            Assert.Contains($"| `{field.Name}` | `{field.DbfName}` |", docs, StringComparison.Ordinal);
    }

    [Fact]
    public void ShapefileNames_AreAtMostTenCharactersAndUniquePerLayer()
    {
        foreach (var fields in new[] { ExportSchema.PointFields, ExportSchema.CoverageFields, ExportSchema.AreaFields })
        {
            Assert.All(fields, f => Assert.InRange(f.DbfName.Length, 1, 10));
            Assert.Equal(fields.Count, fields.Select(f => f.DbfName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("DroneScan.sln not found above " + AppContext.BaseDirectory);
    }
}
