using DroneScan.Pipeline.Scan;
using DroneScan.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Tests;

public sealed class ScanOptionsConfigurationTests
{
    private static ScanOptions Bound(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddDroneScanJobs(runServer: false);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ScanOptions>>().Value;
    }

    [Fact]
    public void TheServicesScanOptions_AreTheCliDefaults_WithoutAScanSection()
    {
        Assert.Equal(new ScanOptions().ToRunJson(), Bound([]).ToRunJson());
    }

    [Fact]
    public void TheScanSection_SetsTheServicesScanOptions_IncludingNestedOnes()
    {
        var options = Bound(new()
        {
            [$"{JobServiceCollectionExtensions.ScanOptionsSection}:AreaBufferM"] = "12.5",
            [$"{JobServiceCollectionExtensions.ScanOptionsSection}:Georeference:GroundElevationM"] = "1834",
            [$"{JobServiceCollectionExtensions.ScanOptionsSection}:Cluster:MinObservations"] = "2",
        });

        Assert.Equal(12.5, options.AreaBufferM);
        Assert.Equal(1834, options.Georeference.GroundElevationM);
        Assert.Equal(2, options.Cluster.MinObservations);
        Assert.Equal(new ScanOptions().MaxGsdFactor, options.MaxGsdFactor);
    }
}
