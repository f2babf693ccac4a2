using DroneScan.Core.Geodesy;
using DroneScan.Core.Terrain;
using DroneScan.Imaging.Terrain;

namespace DroneScan.Imaging.Tests;

/// <summary>
/// GeoTIFF DEMs read with LibTiff.NET, on crops of the Copernicus DEM samples made by
/// tools/fixtures/make-dem-fixtures.sh. Expected heights and origins are GDAL's (gdallocationinfo, gdalinfo).
/// </summary>
public sealed class GeoTiffDemTests
{
    private const double Step1ArcSec = 0.000277777777778;

    private static string Dem(string name) =>
        Path.Combine(TestData.RepositoryRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "dem", name);

    private static ElevationGrid Read(string name) => GeoTiffDemReader.Read(Dem(name), 2.5).Grid;

    [Fact]
    public void Read_GeographicTiledDeflateFloat32_GivesGdalsSamplesAndGrid()
    {
        var grid = Read("glo-4326-tiled-deflate.tif");

        Assert.Equal((48, 40), (grid.Width, grid.Height));
        Assert.Equal(GridProjection.Geographic, grid.Projection);
        Assert.Equal(1771.40258789062, grid.Sample(0, 0), 1e-4);
        Assert.Equal(1766.91723632812, grid.Sample(17, 23), 1e-4);
        Assert.Equal(1766.50500488281, grid.Sample(20, 20), 1e-4);

        // PixelIsArea: GDAL's origin is the top-left corner; the first sample is half a step in.
        Assert.Equal(42.97777777777778, grid.CentreX0, 1e-10);
        Assert.Equal(40.522499999999994, grid.CentreY0, 1e-10);
        Assert.Equal(Step1ArcSec, grid.StepX, 1e-12);
        Assert.Equal(2.5, grid.VerticalSigmaM);

        var at = new GeoPoint(grid.CentreY0 - (23 * grid.StepY), grid.CentreX0 + (17 * grid.StepX));
        Assert.Equal(1766.91723632812, grid.HeightAt(at)!.Value, 1e-3);
    }

    [Fact]
    public void Read_UtmStripedLzwInt16_WithIntegerNoData()
    {
        var grid = Read("glo-utm38n-striped-lzw-int16.tif");

        Assert.Equal("EPSG:32638 (UTM zone 38N)", grid.Projection.ToString());
        Assert.True(float.IsNaN(grid.Sample(0, 0)), "-32768 is NoData");
        Assert.Equal(1766, grid.Sample(17, 23));
        Assert.Equal(328661.254315637 + 15, grid.CentreX0, 1e-6);
        Assert.Equal(4487732.51652243 - 15, grid.CentreY0, 1e-6);

        // Centre of sample (17, 23): E 329186.254, N 4487027.517 = 40.5163939471068° N, 42.983689394° E (PROJ).
        Assert.Equal(1766, grid.HeightAt(new GeoPoint(40.5163939471068, 42.983689394))!.Value, 0.01);
        Assert.Null(grid.HeightAt(new GeoPoint(grid.CentreY0, 0)));
    }

    [Fact]
    public void Read_PixelIsPoint_PutsTheTiepointOnTheFirstSample()
    {
        var grid = Read("fairbanks-geoid-point.tif");

        // gdalinfo reports the corner (it shifts PixelIsPoint by half a step): −147.708611122777768, 64.808472233888878.
        Assert.Equal(-147.708611122777768 + (0.0002777777 / 2), grid.CentreX0, 1e-9);
        Assert.Equal(64.808472233888878 - (0.0002777777 / 2), grid.CentreY0, 1e-9);
        Assert.Equal(135.92268371582, grid.Sample(0, 0), 1e-4);
        Assert.Equal(137.923614501953, grid.Sample(17, 23), 1e-4);
    }

    [Theory]
    [InlineData("rgb-3-bands.tif", "3 bands")]
    [InlineData("no-georeferencing.tif", "not a GeoTIFF")]
    [InlineData("web-mercator.tif", "EPSG:3857")]
    [InlineData("not-a-tiff.tif", "not a TIFF")]
    [InlineData("missing.tif", "not found")]
    public void Read_RefusesWithAMessageNamingTheFileAndTheProblem(string name, string problem)
    {
        var ex = Assert.Throws<DemFileException>(() => GeoTiffDemReader.Read(Dem(name), 2.5));

        Assert.StartsWith(name + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetDirectoryName(Dem(name))!, ex.Message, StringComparison.Ordinal);
    }
}
