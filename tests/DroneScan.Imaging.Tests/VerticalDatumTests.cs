using DroneScan.Core.Geodesy;
using DroneScan.Core.Terrain;
using DroneScan.Imaging.Terrain;

namespace DroneScan.Imaging.Tests;

/// <summary>
/// Vertical datum conversion, checked against an independent answer: the Copernicus DEM near Fairbanks as
/// EGM2008 heights and as ellipsoid heights, with the EGM2008 undulation grid (fixtures cropped by
/// tools/fixtures/make-dem-fixtures.sh from ../shared/data/dem-samples).
/// </summary>
public sealed class VerticalDatumTests
{
    private static string Dem(string name) =>
        Path.Combine(TestData.RepositoryRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "dem", name);

    [Fact]
    public void Egm2008ToEllipsoid_MatchesTheFairbanksEllipsoidDem_Within10Centimetres()
    {
        var geoid = GeoTiffDemReader.Read(Dem("fairbanks-geoid-point.tif"), 2.5).Grid;
        var ellipsoid = GeoTiffDemReader.Read(Dem("fairbanks-ellipsoid-point.tif"), 2.5).Grid;
        var egm2008 = GeoTiffDemReader.Read(Dem("egm08-fairbanks.tif"), 0).Grid;
        var converted = new GeoidModels(null, egm2008).Convert(geoid, VerticalDatum.Egm2008, VerticalDatum.Ellipsoid);

        double worst = 0;
        int compared = 0;
        for (int row = 0; row < geoid.Height; row++)
        {
            for (int col = 0; col < geoid.Width; col++)
            {
                var at = new GeoPoint(geoid.CentreY0 - (row * geoid.StepY), geoid.CentreX0 + (col * geoid.StepX));
                if (converted.HeightAt(at) is { } h && !float.IsNaN(ellipsoid.Sample(col, row)))
                {
                    worst = Math.Max(worst, Math.Abs(h - ellipsoid.Sample(col, row)));
                    compared++;
                }
            }
        }

        Assert.Equal(geoid.Width * geoid.Height, compared);
        Assert.True(worst < 0.1, $"worst difference {worst:0.000} m");

        // And the undulation is the one the grid states (≈ 11.2 m there).
        Assert.InRange(ellipsoid.Sample(0, 0) - geoid.Sample(0, 0), 11.1, 11.3);
    }

    [Fact]
    public void Egm96Gtx_GivesProjDataValuesAtItsNodes()
    {
        var path = GtxGeoidReader.DebianEgm96Path;
        Assert.True(File.Exists(path), $"{path} is missing: install Debian's proj-data (tools/dev/test.sh does)");
        var egm96 = GtxGeoidReader.Read(path);

        // Node values as GDAL reads the same file (gdallocationinfo egm96_15.gtx 892 198 and 129 101).
        Assert.Equal(26.5231266021729, egm96.HeightAt(new GeoPoint(40.5, 43.0))!.Value, 1e-4);
        Assert.Equal(11.5895643234253, egm96.HeightAt(new GeoPoint(64.75, -147.75))!.Value, 1e-4);
    }

    [Fact]
    public void Convert_AddsTheDifferenceOfUndulations_BetweenTwoGeoids()
    {
        // EGM96 → ellipsoid adds N96; ellipsoid → EGM96 subtracts it; a datum to itself is the same terrain.
        var egm96 = GtxGeoidReader.Read(GtxGeoidReader.DebianEgm96Path);
        var level = new ElevationGrid("level", 2, 2, [100, 100, 100, 100], 42.9, 40.6, 0.2, 0.2, GridProjection.Geographic, 1);
        var models = new GeoidModels(egm96, null);
        var at = new GeoPoint(40.5, 43.0);

        Assert.Equal(126.5231, models.Convert(level, VerticalDatum.Egm96, VerticalDatum.Ellipsoid).HeightAt(at)!.Value, 1e-3);
        Assert.Equal(73.4769, models.Convert(level, VerticalDatum.Ellipsoid, VerticalDatum.Egm96).HeightAt(at)!.Value, 1e-3);
        Assert.Same(level, models.Convert(level, VerticalDatum.Egm2008, VerticalDatum.Egm2008));
        Assert.NotEmpty(models.Approximations);
    }

    [Fact]
    public void MissingGeoidGrid_IsAClearError_NamingTheFileAndHowToGetIt()
    {
        var ex = Assert.Throws<DemFileException>(() => GtxGeoidReader.Read("/nonexistent/egm96_15.gtx"));

        Assert.Contains("egm96_15.gtx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not found", ex.Message, StringComparison.Ordinal);
    }
}
