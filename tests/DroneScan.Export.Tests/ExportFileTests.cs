namespace DroneScan.Export.Tests;

/// <summary>Exports on a full disk: a clear IOException, and never a partial file that looks valid.</summary>
public sealed class ExportFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dronescan-export-file-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<ExportFormat> Formats() => [.. Enum.GetValues<ExportFormat>()];

    [DevFullTheory]
    [InlineData(ExportFormat.GeoJson)]
    [InlineData(ExportFormat.Kml)]
    [InlineData(ExportFormat.Gpx)]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.GeoPackage)] // a shapefile never writes the path itself, only its .shp/.dbf/… siblings
    public void Write_ToAFullDevice_ThrowsIOException_AndLeavesTheDeviceInPlace(ExportFormat format)
    {
        var e = Assert.Throws<IOException>(() => HazardExporter.Write(format, ExportLayer.Points, ExportTestData.Create(), "/dev/full"));

        Assert.Contains("/dev/full", e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists("/dev/full"));
        Assert.True(ExportFile.IsSpecial("/dev/full"));
        Assert.Empty(Directory.EnumerateFiles("/dev", ".full.*"));
    }

    [Fact]
    public void Write_ThatFailsHalfWay_KeepsThePreviousFile_AndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(folder, "hazards.geojson");
        File.WriteAllText(path, "previous export");

        Assert.Throws<IOException>(() => ExportFile.Write(path, output =>
        {
            output.Write("{\"type\":\"FeatureCollection\",\"features\":["u8);
            throw new IOException("No space left on device");
        }));

        Assert.Equal("previous export", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void Write_ThatFailsHalfWay_LeavesNoFile_WhenThereWasNone()
    {
        string path = Path.Combine(folder, "hazards.gpkg");

        Assert.Throws<IOException>(() => ExportFile.WriteFile(path, file =>
        {
            File.WriteAllText(file, "SQLite format 3\0");
            throw new IOException("No space left on device");
        }));

        Assert.Empty(Directory.GetFiles(folder));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Write_ReplacesAnExistingFile_WithTheCompleteExport(ExportFormat format)
    {
        string path = Path.Combine(folder, "out" + ExportFormats.DefaultExtension(format));
        File.WriteAllText(path, "old");

        HazardExporter.Write(format, ExportLayer.Points, ExportTestData.Create(), path);

        Assert.NotEqual("old", File.ReadAllText(path));
        Assert.DoesNotContain(Directory.GetFiles(folder), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [UnixTheory]
    [InlineData("/dev/full", true)]
    [InlineData("/dev/stdout", true)]
    [InlineData("/proc/self/fd/1", true)]
    [InlineData("/dev/no-such-device.geojson", false)]
    [InlineData("/tmp/hazards.geojson", false)]
    [InlineData("hazards.geojson", false)]
    public void IsSpecial_TellsDevicesFromExportFiles(string path, bool special)
    {
        Assert.Equal(special, ExportFile.IsSpecial(path));
    }
}
