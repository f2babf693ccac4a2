using DroneScan.Core.Flights;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using DroneScan.Web.Hosting;
using DroneScan.Web.Jobs;

namespace DroneScan.Web.Tests;

/// <summary>Without configured models the service loads the shipped ones: the default RGB and thermal models, chosen
/// per photo, and the real-imagery RGB model, which a flight can name but automatic choice never picks.</summary>
public sealed class ShippedServiceModelsTests
{
    [Fact]
    public void TheShippedModels_AreLoaded_TheRealImageryOneLastAndOnlyByName()
    {
        var paths = JobServiceCollectionExtensions.ShippedModelPaths();
        Assert.Equal<string>(["dronescan-rgb.onnx", "dronescan-thermal.onnx", "dronescan-rgb-pfm1.onnx"], paths.Select(p => Path.GetFileName(p)).ToArray());

        using var models = new ServiceModels([.. paths.Select(p => OnnxDetector.Load(p))]);
        Assert.Equal(["auto", "dronescan-rgb", "dronescan-thermal", "dronescan-rgb-pfm1"], models.SettingValues);

        var auto = models.For(new FlightSettings(), new TiledDetectionOptions());
        Assert.True(auto.Automatic);
        Assert.Equal(["dronescan-rgb", "dronescan-thermal"], auto.Models.Select(m => m.Name).ToArray());

        var named = models.For(new FlightSettings { Model = "dronescan-rgb-pfm1" }, new TiledDetectionOptions());
        Assert.Equal("dronescan-rgb-pfm1", Assert.Single(named.Models).Name);
        Assert.Equal(0.35f, named.Primary.Options.MinScore); // its dronescan.default_conf
    }
}
