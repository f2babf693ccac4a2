using DroneScan.Core.Photos;

namespace DroneScan.Detection.Tests;

/// <summary>The sensor a model declares (<c>dronescan.sensor</c>, <c>dronescan.bands</c>): what automatic model choice goes by.</summary>
public class ModelSensorTests
{
    [Fact]
    public void Load_ReadsTheDeclaredThermalSensorAndBands()
    {
        using var detector = OnnxDetector.Load(Fixtures.Thermal1Class);

        Assert.Equal(ImageSensor.Thermal, detector.Info.Sensor);
        Assert.True(detector.Info.SensorDeclared);
        Assert.Equal(["lwir", "lwir", "lwir"], detector.Info.Bands);
    }

    [Fact]
    public void Load_AssumesRgb_ForAModelMadeBeforeTheSensorKey()
    {
        // dronescan-3class.onnx has dronescan.* keys but no dronescan.sensor: it must still load, as RGB, marked assumed.
        using var detector = OnnxDetector.Load(Fixtures.DroneScan3Class);

        Assert.Equal(ImageSensor.Rgb, detector.Info.Sensor);
        Assert.False(detector.Info.SensorDeclared);
        Assert.Empty(detector.Info.Bands);
    }

    [Fact]
    public void Load_RefusesAnUnknownSensor_NamingTheFileKeyAndValue()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(Fixtures.BadSensor));

        Assert.Equal(Fixtures.BadSensor, ex.ModelPath);
        Assert.Contains("dronescan.sensor", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sonar", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rgb", ImageSensor.Rgb)]
    [InlineData(" Thermal ", ImageSensor.Thermal)]
    public void ParseSensor_ReadsBothSensors_InAnyCase(string text, ImageSensor expected)
    {
        Assert.Equal(expected, ModelMetadataParser.ParseSensor(text));
    }

    [Fact]
    public void ParseSensor_IsNull_WhenTheKeyIsAbsent()
    {
        Assert.Null(ModelMetadataParser.ParseSensor(null));
    }

    [Fact]
    public void ParseBands_SplitsOnCommas_AndIgnoresBlanks()
    {
        Assert.Equal(["red", "green", "blue"], ModelMetadataParser.ParseBands(" Red, green ,blue,"));
        Assert.Empty(ModelMetadataParser.ParseBands("  "));
    }
}
