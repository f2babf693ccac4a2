using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;
using DroneScan.Imaging.Terrain;
using DroneScan.Synth.Flight;

namespace DroneScan.Synth.Tests;

/// <summary>
/// The shipped flight over real terrain (<c>data-samples/hill-flight</c>, draped over its Copernicus DEM crop): read
/// back with the DEM, DroneScan places every drawn item on its truth; with the flat-ground model it does not.
/// </summary>
public sealed class HillFlightTests
{
    private static string Folder => Path.Combine(SmallFlight.RepoRoot(), "data-samples", "hill-flight");

    private static double MetresBetween(GeoPoint a, GeoPoint b)
    {
        var frame = new LocalTangentPlane(a.LatitudeDeg, a.LongitudeDeg);
        return frame.ToEnu(b).HorizontalDistanceM;
    }

    [Fact]
    public void ShippedHillFlight_WithTheDem_PlacesEveryDrawnItemOnItsTruth_AndTheFlatModelDoesNot()
    {
        var record = FlightJson.ReadFlight(Path.Combine(Folder, "flight.json"));
        var dem = GeoTiffDemReader.Read(Path.Combine(Folder, "dem.tif"), 2.5).Grid;
        var truth = record.Items.ToDictionary(i => i.Id);
        int views = 0;
        double worstWithDem = 0, worstFlat = 0;
        foreach (var photo in record.Photos)
        {
            var metadata = PhotoMetadataReader.Read(Path.Combine(Folder, photo.File));
            var overDem = PhotoGeoreferencer.Resolve(metadata, new GeoreferenceOptions { Terrain = dem });
            var flat = PhotoGeoreferencer.Resolve(metadata, new GeoreferenceOptions());
            Assert.Equal("dji-absolute-minus-dem", overDem.AltitudeSource);
            Assert.Equal("dji-relative", flat.AltitudeSource);

            // Took off 24 m below the ground under the flight centre: the relative altitude is that much too high.
            Assert.Equal(photo.AltitudeAglM + 24, metadata.Dji!.RelativeAltitudeM!.Value, 0.01);
            foreach (var drawn in photo.Items.Where(i => i.InFrame))
            {
                var item = truth[drawn.Id];
                var truthPoint = new GeoPoint(item.LatitudeDeg, item.LongitudeDeg);
                var p = overDem.Georeference!.GroundToPixel(truthPoint)!.Value;
                Assert.True(Math.Abs(p.U - drawn.CentreU) < 2 && Math.Abs(p.V - drawn.CentreV) < 2, $"{photo.File} {drawn.Id}: truth at ({p.U:0.0}, {p.V:0.0}), drawn at ({drawn.CentreU:0.0}, {drawn.CentreV:0.0})");
                var centre = new PixelPoint(drawn.CentreU, drawn.CentreV);
                worstWithDem = Math.Max(worstWithDem, MetresBetween(truthPoint, overDem.Georeference.PixelToGround(centre)!.Value));
                worstFlat = Math.Max(worstFlat, MetresBetween(truthPoint, flat.Georeference!.PixelToGround(centre)!.Value));
                views++;
            }
        }

        Assert.Equal(record.Items.Sum(i => i.VisibleIn.Count), views);
        Assert.True(worstWithDem < 0.05, $"with the DEM: {worstWithDem:0.000} m");
        Assert.True(worstFlat > 1, $"flat ground: only {worstFlat:0.000} m");
    }
}
