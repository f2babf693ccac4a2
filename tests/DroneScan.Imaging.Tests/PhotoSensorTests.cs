using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;

namespace DroneScan.Imaging.Tests;

/// <summary>
/// Thermal or RGB, from what the photo file says: fixtures written by tools/fixtures/make-sensor-photos.sh (a DJI
/// ZH20T-style wide + thermal pair of one shot, a FLIR R-JPEG, radiometric and RGB TIFFs), the laser fixtures
/// (ZH20T thermal frames named _T without ImageSource) and a real RGB photo.
/// </summary>
public sealed class PhotoSensorTests
{
    private static string Fixture(string name) =>
        Path.Combine(TestData.RepositoryRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "sensor", name);

    private static SensorClassification Classify(string path) => PhotoSensorClassifier.Classify(PhotoMetadataReader.Read(path));

    [Fact]
    public void ADjiThermalFrame_IsThermal_ByItsXmpImageSource()
    {
        var metadata = PhotoMetadataReader.Read(Fixture("DJI_20240501101500_0001_T.JPG"));
        var result = PhotoSensorClassifier.Classify(metadata);

        Assert.Equal("InfraredCamera", metadata.Dji?.ImageSource);
        Assert.Equal(ImageSensor.Thermal, result.Sensor);
        Assert.False(result.Weak);
        Assert.Contains("InfraredCamera", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWideFrameOfTheSamePair_IsRgb()
    {
        var result = Classify(Fixture("DJI_20240501101500_0001_W.JPG"));

        Assert.Equal(ImageSensor.Rgb, result.Sensor);
        Assert.Contains("WideCamera", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void APlainRgbPhoto_IsRgb()
    {
        // Canon SX260 HS: EXIF only, no XMP, three-channel JPEG.
        var result = Classify(TestData.CaliterraImg9400);

        Assert.Equal(ImageSensor.Rgb, result.Sensor);
        Assert.False(result.Weak);
    }

    [Fact]
    public void AJpegWithAFlirSegment_IsThermal()
    {
        var metadata = PhotoMetadataReader.Read(Fixture("flir-rjpeg.jpg"));

        Assert.True(metadata.SensorEvidence.HasFlirSegment);
        Assert.Equal(ImageSensor.Thermal, PhotoSensorClassifier.Classify(metadata).Sensor);
    }

    [Fact]
    public void ASingleChannel16BitTiff_IsThermal_AndAThreeChannelTiffIsRgb()
    {
        var radiometric = PhotoMetadataReader.Read(Fixture("radiometric.tif"));
        var rgb = PhotoMetadataReader.Read(Fixture("rgb.tif"));

        Assert.Equal((1, 16), (radiometric.SensorEvidence.SamplesPerPixel, radiometric.SensorEvidence.BitsPerSample));
        Assert.Equal(ImageSensor.Thermal, PhotoSensorClassifier.Classify(radiometric).Sensor);
        Assert.Equal(3, rgb.SensorEvidence.SamplesPerPixel);
        Assert.Equal(ImageSensor.Rgb, PhotoSensorClassifier.Classify(rgb).Sensor);
    }

    [Fact]
    public void ADjiUnderscoreTName_WithoutThermalMetadata_IsThermal_AsAWeakHint()
    {
        var result = Classify(Path.Combine(TestData.RepositoryRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "lrf", "DJI_0101_T.JPG"));

        Assert.Equal(ImageSensor.Thermal, result.Sensor);
        Assert.True(result.Weak);
    }

    [Fact]
    public void TheImageSource_BeatsTheFileName()
    {
        // A wide frame renamed _T: the XMP says which camera took it.
        var metadata = PhotoMetadataReader.Read(Fixture("DJI_20240501101500_0001_W.JPG")) with { FilePath = "DJI_20240501101500_0001_T.JPG" };

        Assert.Equal(ImageSensor.Rgb, PhotoSensorClassifier.Classify(metadata).Sensor);
    }

    [Theory]
    [InlineData("DJI_0001_T.JPG", ImageSensor.Thermal)]
    [InlineData("dji_20240501101500_0007_t.jpg", ImageSensor.Thermal)]
    [InlineData("DJI_0001_W.JPG", ImageSensor.Rgb)]
    [InlineData("DJI_0001_Z.JPG", ImageSensor.Rgb)]
    [InlineData("IMG_0001_T.JPG", ImageSensor.Rgb)]
    [InlineData("DJI_0001_TOP.JPG", ImageSensor.Rgb)]
    public void TheFileNameHint_OnlyMatchesDjiDualCameraThermalNames(string name, ImageSensor expected)
    {
        Assert.Equal(expected, PhotoSensorClassifier.Classify(new PhotoMetadata { FilePath = name }).Sensor);
    }
}
