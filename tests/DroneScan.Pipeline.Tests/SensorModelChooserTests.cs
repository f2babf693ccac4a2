using DroneScan.Core.Detection;
using DroneScan.Core.Photos;
using DroneScan.Detection;
using DroneScan.Imaging.Metadata;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Pipeline.Tests;

/// <summary>Automatic model choice per photo on the sensor fixtures (tests/DroneScan.Imaging.Tests/Fixtures/sensor,
/// written by tools/fixtures/make-sensor-photos.sh) and on the shipped models.</summary>
public sealed class SensorModelChooserTests
{
    private static string Fixture(string name) =>
        Path.Combine(RepoRoot(), "tests", "DroneScan.Imaging.Tests", "Fixtures", "sensor", name);

    private static string Model(string name) => Path.Combine(RepoRoot(), "models", name);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("DroneScan.sln not found above the test binaries");
    }

    private sealed class NamedDetector(string name, ImageSensor sensor, bool declared = true) : IDetector
    {
        public ModelInfo Info { get; } = new()
        {
            Path = name + ".onnx", Name = name, Version = "0", Sha256 = new string('0', 64), FileSha256 = new string('0', 64),
            InputName = "images", OutputName = "output0", InputSize = 64, ClassNames = ["x"], Sensor = sensor, SensorDeclared = declared,
        };

        public ChipVerifier? Verifier => null;

        public IReadOnlyList<DetectionBox>[] Detect(float[] batch, int count, float minScore) => throw new NotSupportedException("not run in these tests");
    }

    [Fact]
    public void AMixedPair_GoesToTheShippedModelOfEachSensor()
    {
        using var rgb = OnnxDetector.Load(Model("dronescan-rgb.onnx"));
        using var thermal = OnnxDetector.Load(Model("dronescan-thermal.onnx"));
        var chooser = SensorModelChooser.Automatic([rgb, thermal]);

        var t = chooser.Choose(PhotoMetadataReader.Read(Fixture("DJI_20240501101500_0001_T.JPG")));
        var w = chooser.Choose(PhotoMetadataReader.Read(Fixture("DJI_20240501101500_0001_W.JPG")));

        Assert.Equal("dronescan-thermal", t.Detector.Info.Name);
        Assert.Equal("dronescan-rgb", w.Detector.Info.Name);
        Assert.Null(t.Note);
        Assert.Null(w.Note);
    }

    [Fact]
    public void APlainRgbPhoto_GoesToTheRgbModel_WhicheverIsListedFirst()
    {
        var rgb = new NamedDetector("rgb", ImageSensor.Rgb);
        var thermal = new NamedDetector("thermal", ImageSensor.Thermal);
        var caliterra = PhotoMetadataReader.Read(Path.Combine(RepoRoot(), "data-samples", "caliterra", "IMG_9400.jpg"));

        Assert.Same(rgb, SensorModelChooser.Automatic([thermal, rgb]).Choose(caliterra).Detector);
    }

    [Fact]
    public void AFixedModel_TakesEveryPhoto_AndNothingIsClassified()
    {
        var rgb = new NamedDetector("rgb", ImageSensor.Rgb);
        var chooser = SensorModelChooser.Fixed(rgb);

        var choice = chooser.Choose(PhotoMetadataReader.Read(Fixture("DJI_20240501101500_0001_T.JPG")));

        Assert.Same(rgb, choice.Detector);
        Assert.Null(choice.Photo);
        Assert.Null(choice.Note);
    }

    [Fact]
    public void AThermalPhoto_WithoutAThermalModel_RunsTheOther_WithANote()
    {
        var rgb = new NamedDetector("rgb", ImageSensor.Rgb);

        var choice = SensorModelChooser.Automatic([rgb]).Choose(PhotoMetadataReader.Read(Fixture("DJI_20240501101500_0001_T.JPG")));

        Assert.Same(rgb, choice.Detector);
        Assert.Equal(ImageSensor.Thermal, choice.Photo?.Sensor);
        Assert.Contains("no thermal model", choice.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelWithoutTheSensorKey_CountsAsRgb()
    {
        var old = new NamedDetector("old", ImageSensor.Rgb, declared: false);
        var thermal = new NamedDetector("thermal", ImageSensor.Thermal);

        var choice = SensorModelChooser.Automatic([thermal, old]).Choose(PhotoMetadataReader.Read(Fixture("DJI_20240501101500_0001_W.JPG")));

        Assert.Same(old, choice.Detector);
    }

    [Fact]
    public void AThermalName_WithoutMetadata_IsNoted_AsAWeakHint()
    {
        var thermal = new NamedDetector("thermal", ImageSensor.Thermal);
        var rgb = new NamedDetector("rgb", ImageSensor.Rgb);

        var choice = SensorModelChooser.Automatic([rgb, thermal]).Choose(new PhotoMetadata { FilePath = "DJI_0042_T.JPG" });

        Assert.Same(thermal, choice.Detector);
        Assert.Contains("file name", choice.Note, StringComparison.Ordinal);
    }
}
