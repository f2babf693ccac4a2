using DroneScan.Core.Hazards;
using static DroneScan.Core.Tests.Hazards.HazardTestData;

namespace DroneScan.Core.Tests.Hazards;

public sealed class PointUncertaintyTests
{
    [Fact]
    public void Variances_KeepTheSharedGnssErrorWhole_AndAverageTheRemainder()
    {
        // Two views, σ = 3 m each, 2.9 m of it shared. Weights 1/9 each, Σw = 2/9.
        // Shared: Σw·2.9² / Σw = 8.41 m². Independent: each 9 − 8.41 = 0.59 m² (above the floor 0.15²/2);
        // Σw²·0.59 / (Σw)² = (2/81 · 0.59) / (4/81) = 0.295 m². Absolute: 8.41 + 0.295 = 8.705 m².
        var (absolute, relative) = PointUncertainty.Variances([Obs("a", 0, 0, 0, sigmaM: 3, sharedM: 2.9), Obs("b", 0, 0, 0, sigmaM: 3, sharedM: 2.9)], 0.15);
        Assert.Equal(0.295, relative, 9);
        Assert.Equal(8.705, absolute, 9);
    }

    [Fact]
    public void Variances_FloorTheIndependentPart_WhenTheViewIsAllGnss()
    {
        // σ = shared = 3 m: the remainder is floored at 0.15²/2 = 0.01125 m² (box centre, lens, flat ground).
        var (absolute, relative) = PointUncertainty.Variances([Obs("a", 0, 0, 0, sigmaM: 3, sharedM: 3)], 0.15);
        Assert.Equal(0.01125, relative, 12);
        Assert.Equal(9.01125, absolute, 9);
    }

    [Fact]
    public void ClusteredPoint_HasTheAbsoluteErrorOfItsViews()
    {
        var views = new[] { Obs("a", 0, 0, 0, sigmaM: 3, sharedM: 2.9), Obs("b", 0, 0.05, 0, sigmaM: 3, sharedM: 2.9) };
        var point = Assert.Single(HazardClusterer.Cluster(views, new ClusterOptions()));
        Assert.Equal(Math.Sqrt(8.705), point.SigmaM, 9);
    }
}
