namespace DroneScan.Export.Tests;

/// <summary>Every format and layer, written to a real file and read back by GDAL's ogrinfo.</summary>
public sealed class ExportReadBackTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dronescan-export-").FullName;
    private readonly ExportData _data = ExportTestData.Create();

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("DRONESCAN_KEEP_EXPORTS") is null)
            Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<ExportFormat, ExportLayer> FormatsAndLayers()
    {
        var data = new TheoryData<ExportFormat, ExportLayer>();
        foreach (var format in Enum.GetValues<ExportFormat>())
        {
            foreach (var layer in Enum.GetValues<ExportLayer>())
            {
                if (format != ExportFormat.Gpx || layer == ExportLayer.Points)
                    data.Add(format, layer);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormatsAndLayers))]
    public void Write_GdalReadsFeatureCountAndFieldNames(ExportFormat format, ExportLayer layer)
    {
        string path = WriteFile(format, layer);

        string summary = Ogr.Info([.. OpenOptions(format, layer), "-al", "-so", path]);

        int expectedCount = layer switch { ExportLayer.Points => 3, ExportLayer.Coverage => 3, _ => 1 };
        Assert.Equal(expectedCount, Ogr.FeatureCount(summary));
        var fields = Ogr.FieldNames(summary);
        foreach (string name in ExpectedFieldNames(format, layer))
            Assert.Contains(name, fields);
        if (format is not ExportFormat.Csv)
            Assert.Contains("4326", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExportFormat.GeoJson)]
    [InlineData(ExportFormat.Kml)]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Shapefile)]
    [InlineData(ExportFormat.GeoPackage)]
    public void Write_Points_GdalReadsTrickyTextAndValues(ExportFormat format)
    {
        string path = WriteFile(format, ExportLayer.Points);

        string all = Ogr.Info([.. OpenOptions(format, ExportLayer.Points), "-al", path]);

        Assert.Contains(ExportTestData.ReviewerA, all, StringComparison.Ordinal);
        Assert.Contains(ExportTestData.LabelA, all, StringComparison.Ordinal);
        Assert.Contains("second line", all, StringComparison.Ordinal);
        Assert.Contains(ExportTestData.FlightName, all, StringComparison.Ordinal);
        Assert.Contains("ap_mine:3;uxo:1", all, StringComparison.Ordinal);
        Assert.Contains("DJI_0001.JPG;DJI_0002,copy.JPG", all, StringComparison.Ordinal);
        Assert.Contains("DJI_0001.JPG;unknownhash", all, StringComparison.Ordinal);
        Assert.Contains("o'brien, j", all, StringComparison.Ordinal);
        Assert.Contains("confirmed", all, StringComparison.Ordinal);
        Assert.Contains("rejected", all, StringComparison.Ordinal);
        Assert.Matches(@"2025[-/]05[-/]02.10:20:30", all);
        Assert.Contains("2.5", all, StringComparison.Ordinal);
        Assert.Contains("46.9234567", all, StringComparison.Ordinal);
        Assert.Contains("39.9876543", all, StringComparison.Ordinal);
        if (format == ExportFormat.Csv)
        {
            Assert.Contains("'=cmd", all, StringComparison.Ordinal);
            Assert.Contains("'+SUM(1)", all, StringComparison.Ordinal);
            Assert.Contains("PMN-2", all, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("=cmd|' /C calc'!A0", all, StringComparison.Ordinal);
            Assert.DoesNotContain("'=cmd", all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Write_Gpx_GdalReadsWaypointsWithShortIdClassAndDescription()
    {
        string path = WriteFile(ExportFormat.Gpx, ExportLayer.Points);

        string all = Ogr.Info("-al", path, "waypoints");

        Assert.Equal(3, Ogr.FeatureCount(Ogr.Info("-al", "-so", path, "waypoints")));
        Assert.Contains("a1b2c3d4 PMN-2, \"green\"", all, StringComparison.Ordinal);
        Assert.Contains("b2c3d4e5 uxo", all, StringComparison.Ordinal);
        Assert.Contains("status confirmed", all, StringComparison.Ordinal);
        Assert.Contains("r90 2.5 m", all, StringComparison.Ordinal);
        Assert.Contains(ExportTestData.ReviewerA, all, StringComparison.Ordinal);
        Assert.Contains("second line", all, StringComparison.Ordinal);
        Assert.Contains("POINT (46.9234567 39.9876543)", all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExportLayer.Coverage)]
    [InlineData(ExportLayer.Areas)]
    public void Write_Gpx_Throws_ForPolygonLayers(ExportLayer layer)
    {
        var e = Assert.Throws<NotSupportedException>(() => HazardExporter.Write(ExportFormat.Gpx, layer, _data, Path.Combine(_dir, "x.gpx")));

        Assert.Contains("GPX holds points only", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.gpx")));
    }

    [Fact]
    public void Write_Coverage_GdalReadsUnionAndFootprints()
    {
        string path = WriteFile(ExportFormat.GeoPackage, ExportLayer.Coverage);

        string all = Ogr.Info("-al", path);

        Assert.Contains("kind (String) = coverage", all, StringComparison.Ordinal);
        Assert.Contains("area_m2 (Real) = 12345.6", all, StringComparison.Ordinal);
        Assert.Contains("photo_count (Integer64) = 2", all, StringComparison.Ordinal);
        Assert.Contains("file_name (String) = DJI_0002,copy.JPG", all, StringComparison.Ordinal);
        Assert.Contains("MULTIPOLYGON", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Areas_GdalReadsHazardIdsAndBuffer()
    {
        string path = WriteFile(ExportFormat.Shapefile, ExportLayer.Areas);

        string all = Ogr.Info("-al", path);

        Assert.Contains("hazard_ids (String) = a1b2c3d4e5f6;c3d4e5f6a1b2", all, StringComparison.Ordinal);
        Assert.Contains("n_hazards (Integer64) = 2", all, StringComparison.Ordinal);
        Assert.Contains("buffer_m (Real) = 25", all, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteShapefileZip_GdalReadsTheZippedParts()
    {
        string zipPath = Path.Combine(_dir, "points.zip");
        using (var file = File.Create(zipPath))
            HazardExporter.WriteShapefileZip(ExportLayer.Points, _data, file, "points");

        using (var zip = System.IO.Compression.ZipFile.OpenRead(zipPath))
        {
            Assert.Equal(
                ["points.cpg", "points.dbf", "points.prj", "points.shp", "points.shx"],
                zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        string summary = Ogr.Info("-al", "-so", "/vsizip/" + zipPath);
        Assert.Equal(3, Ogr.FeatureCount(summary));
        Assert.Contains("max_conf", Ogr.FieldNames(summary));
    }

    [Fact]
    public void Write_Csv_WritesImsmaMappingTemplateBeside()
    {
        string path = WriteFile(ExportFormat.Csv, ExportLayer.Points);

        string mappingPath = Path.Combine(_dir, "points.imsma-mapping.csv");
        Assert.Equal(mappingPath, HazardExporter.ImsmaMappingPath(path));
        string all = Ogr.Info("-al", mappingPath);
        Assert.Equal(2 + ExportSchema.PointFields.Count, Ogr.FeatureCount(Ogr.Info("-al", "-so", mappingPath)));
        Assert.Contains("dronescan_field (String) = r90_m", all, StringComparison.Ordinal);
        Assert.Contains("unit (String) = m", all, StringComparison.Ordinal);
        Assert.Contains("dronescan_field (String) = latitude", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_GeoPackage_SetsApplicationIdAndUserVersion()
    {
        string path = WriteFile(ExportFormat.GeoPackage, ExportLayer.Points);

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA application_id";
        Assert.Equal(0x47504B47L, (long)command.ExecuteScalar()!);
        command.CommandText = "PRAGMA user_version";
        Assert.Equal(10300L, (long)command.ExecuteScalar()!);
    }

    [Theory]
    [InlineData(ExportLayer.Points, "POINT (")]
    [InlineData(ExportLayer.Areas, "MULTIPOLYGON (((")]
    public void Write_GeoPackage_StoresTwoDimensionalGeometries_AsDeclared(ExportLayer layer, string wktStart)
    {
        string path = WriteFile(ExportFormat.GeoPackage, layer);

        string all = Ogr.Info("-al", path);
        Assert.Contains(wktStart, all, StringComparison.Ordinal);
        Assert.DoesNotContain(" ZM ", all, StringComparison.Ordinal);
        Assert.DoesNotContain(" Z (", all, StringComparison.Ordinal);
        Assert.DoesNotContain("nan", all, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Write_GeoPackage_ReplacesAnExistingFile()
    {
        WriteFile(ExportFormat.GeoPackage, ExportLayer.Points);
        string path = WriteFile(ExportFormat.GeoPackage, ExportLayer.Points);

        Assert.Equal(3, Ogr.FeatureCount(Ogr.Info("-al", "-so", path)));
    }

    [Theory]
    [MemberData(nameof(FormatsAndLayers))]
    public void Write_SeveralFlights_GdalReadsEveryFlightsFeatures_EachNamingItsFlight(ExportFormat format, ExportLayer layer)
    {
        // A second flight of the same site: the same results under another flight id and name.
        var second = _data with { Flight = _data.Flight with { FlightId = "flt-0002", FlightName = "Second pass" } };
        string path = Path.Combine(_dir, "several-" + layer.ToString().ToLowerInvariant() + ExportFormats.DefaultExtension(format));
        HazardExporter.Write(format, layer, [_data, second], path);

        string all = Ogr.Info([.. OpenOptions(format, layer), "-al", path]);

        int perFlight = layer switch { ExportLayer.Points => 3, ExportLayer.Coverage => 3, _ => 1 };
        Assert.Equal(2 * perFlight, Ogr.FeatureCount(Ogr.Info([.. OpenOptions(format, layer), "-al", "-so", path])));
        if (format == ExportFormat.Gpx)
        {
            // GPX waypoints carry no flight attributes: the file's metadata names both flights.
            var gpx = System.Xml.Linq.XDocument.Load(path);
            Assert.Equal($"{_data.Flight.FlightName}, Second pass", gpx.Descendants().First(e => e.Name.LocalName == "metadata").Elements().First(e => e.Name.LocalName == "name").Value);
            return;
        }

        Assert.Equal(perFlight, CountOf(all, "flight_id (String) = flt-0001"));
        Assert.Equal(perFlight, CountOf(all, "flight_id (String) = flt-0002"));
        Assert.Equal(perFlight, CountOf(all, "(String) = Second pass"));
    }

    [Fact]
    public void Write_NoFlight_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => HazardExporter.Write(ExportFormat.GeoJson, ExportLayer.Points, Array.Empty<ExportData>(), Path.Combine(_dir, "none.geojson")));
    }

    private static int CountOf(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private string WriteFile(ExportFormat format, ExportLayer layer)
    {
        string path = Path.Combine(_dir, layer.ToString().ToLowerInvariant() + ExportFormats.DefaultExtension(format));
        HazardExporter.Write(format, layer, _data, path);
        return path;
    }

    private static string[] OpenOptions(ExportFormat format, ExportLayer layer) => format switch
    {
        ExportFormat.Csv when layer == ExportLayer.Points =>
            ["-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude", "-oo", "KEEP_GEOM_COLUMNS=YES"],
        ExportFormat.Csv => ["-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO"],
        _ => [],
    };

    private static IEnumerable<string> ExpectedFieldNames(ExportFormat format, ExportLayer layer)
    {
        var fields = layer switch
        {
            ExportLayer.Points => ExportSchema.PointFields,
            ExportLayer.Coverage => ExportSchema.CoverageFields,
            _ => ExportSchema.AreaFields,
        };
        return format switch
        {
            ExportFormat.Gpx => ["name", "desc", "cmt", "type", "time"],
            ExportFormat.Shapefile => fields.Select(f => f.DbfName),
            ExportFormat.Csv when layer == ExportLayer.Points => fields.Select(f => f.Name).Concat(["latitude", "longitude"]),
            _ => fields.Select(f => f.Name),
        };
    }
}
