using DroneScan.Core.Camera;
using DroneScan.Core.Detection;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;
using DroneScan.Core.Photos;
using static DroneScan.Core.Tests.TestCameras;

namespace DroneScan.Core.Tests.Hazards;

public class ObservationFactoryTests
{
    private static readonly string[] Classes = ["ap_mine", "uxo"];
    private static readonly ErrorModel Errors = new(3, 3, 3, 2, 1, 1);

    [Fact]
    public void FromPhoto_PlacesTheCentreBoxAtTheNadir_WithTheGpsSigmaAsShared()
    {
        // Nadir at 30 m: the image centre is straight below the camera; a 100 px box is 100 × 30/3648 = 0.8224 m.
        var georeference = Georeference(Nadir(), Errors);
        var box = PixelBox.FromCentre(Width / 2.0, Height / 2.0, 100, 100);

        var result = ObservationFactory.FromPhoto(Photo(georeference), "abc", [new DetectionBox(box, 1, 0.7f)], Classes);

        var o = Assert.Single(result.Observations);
        Assert.Empty(result.Skipped);
        Assert.Equal("uxo", o.ClassName);
        Assert.Equal(0, o.DetectionIndex);
        Assert.Equal(0.7, o.Confidence, 1e-6);
        Assert.True(HazardTestData.DistanceM(o.Position, 0, 0) < 1e-3);
        Assert.Equal(3, o.SharedSigmaM, 1e-12);
        Assert.Equal(georeference.UncertaintyAt(box.Centre), o.Uncertainty);
        Assert.Equal(Math.Pow(100 * Gsd30, 2), georeference.AreaM2(o.GroundBox!), 1e-4);
    }

    [Fact]
    public void FromPhoto_SkipsABoxAboveTheHorizon_AndDropsTheGroundBoxWhenACornerIsAbove()
    {
        // Pitch −20°: rows above V = 1824 − 3648·tan 20° = 496 see sky.
        var georeference = Georeference(Geometry(new CameraAttitude(0, -20, 0)), Errors);
        DetectionBox[] boxes =
        [
            new(PixelBox.FromCentre(Width / 2.0, 100, 50, 50), 0, 0.9f),
            new(PixelBox.FromCentre(Width / 2.0, 700, 50, 600), 0, 0.9f),
        ];

        var result = ObservationFactory.FromPhoto(Photo(georeference), "abc", boxes, Classes);

        var skipped = Assert.Single(result.Skipped);
        Assert.Equal(("no-ground", 0), (skipped.Code, skipped.DetectionIndex));
        var o = Assert.Single(result.Observations);
        Assert.Equal(1, o.DetectionIndex);
        Assert.Null(o.GroundBox);
    }

    [Fact]
    public void FromPhoto_SkipsEveryBox_WhenThePhotoIsNotGeoreferenced()
    {
        var photo = new GeoreferencedPhoto { Metadata = new PhotoMetadata { FilePath = "a.jpg" } };
        var box = new DetectionBox(PixelBox.FromCentre(10, 10, 5, 5), 0, 0.5f);

        var result = ObservationFactory.FromPhoto(photo, "abc", [box, box], Classes);

        Assert.Empty(result.Observations);
        Assert.All(result.Skipped, s => Assert.Equal("not-georeferenced", s.Code));
        Assert.Equal(2, result.Skipped.Count);
    }

    private static GeoreferencedPhoto Photo(PhotoGeoreference georeference) =>
        new() { Metadata = new PhotoMetadata { FilePath = "a.jpg" }, Errors = georeference.Errors, Georeference = georeference };
}
