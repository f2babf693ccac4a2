using DroneScan.Core.Hazards;
using static DroneScan.Core.Tests.Hazards.HazardTestData;

namespace DroneScan.Core.Tests.Hazards;

public class HazardClustererTests
{
    private static readonly ClusterOptions Defaults = new();

    /// <summary>
    /// Two mines 0.8 m apart, (0, 0) and (0.8, 0), both seen by five photos along a flight line. Every photo carries the same GNSS bias, 3 m at (2.4, 1.8), drifting by a random walk
    /// of 0.2 m per photo and axis; each box adds 0.1 m of its own noise. Absolute error 3 m, yet the photos agree
    /// with each other to ~0.1 m once their offset is removed, so the clusterer must find exactly two points, each
    /// within 0.3 m of its mine moved by the mean bias of the photos that saw it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Cluster_KeepsTwoMines08mApart_WhenTheGpsErrorIsSharedAndDrifting(int seed)
    {
        var (observations, truth) = DriftingFlight(seed, staggered: false);

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
        foreach (var (eastM, northM) in truth)
        {
            var nearest = points.MinBy(p => DistanceM(p.Position, eastM, northM))!;
            Assert.True(DistanceM(nearest.Position, eastM, northM) < 0.3, $"seed {seed}: {DistanceM(nearest.Position, eastM, northM):F3} m from the biased truth");
            Assert.Equal(5, nearest.ObservationCount);
        }

        AssertOneObservationPerPhoto(points);
    }

    /// <summary>
    /// As above, but staggered over six photos: photo 0 sees only mine 1 and photo 5 only mine 2. Which mine a
    /// photo with a single box saw is decided by the nearest raw position (the drift prior), so an edge photo may
    /// join the other mine when the drift exceeds half the spacing; but there are always exactly two points.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Cluster_KeepsTwoMines_WhenEdgePhotosSeeOnlyOne(int seed)
    {
        var (observations, _) = DriftingFlight(seed, staggered: true);

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
        Assert.Equal(10, points.Sum(p => p.ObservationCount));
        AssertOneObservationPerPhoto(points);
    }

    [Fact]
    public void Cluster_MergesOneMine_WhenFivePhotosHaveIndependent3mGpsErrors()
    {
        // Offsets up to ~10 m between photos: inside the absolute gate 3·√(3² + 3²) = 12.7 m, no competing box.
        var rng = new Random(11);
        var observations = Enumerable.Range(0, 5)
            .Select(k => Obs($"p{k}", 0, Gauss(rng, 3), Gauss(rng, 3)))
            .ToList();

        var points = HazardClusterer.Cluster(observations, Defaults);

        var point = Assert.Single(points);
        Assert.Equal(5, point.ObservationCount);
    }

    [Fact]
    public void Cluster_KeepsTwoMines3mApart_WhenPhotosSecondsApartEachSeeOnlyOne()
    {
        // Photos 2 s apart on one line; p0, p1 see mine A at (0, 0), p2, p3 see mine B at (3, 0); all share a 3 m
        // bias, so the raw distance is the true 3 m. The drift prior between photos 2–6 s apart (τ = 300 s) is
        // √2·3·√(1 − e^(−Δt/τ)) = 0.35–0.60 m, with σ_rel = √(2·3.0017² − 2·3²) = 0.14 → floor 0.15 m: the gate is
        // at most 3·0.62 = 1.9 m, so A and B stay two although the absolute gate (12.7 m) would join them.
        var t0 = new DateTimeOffset(2025, 5, 14, 10, 30, 0, TimeSpan.Zero);
        var observations = new[]
        {
            Obs("p0", 0, 2.4, 1.8, capturedAt: t0),
            Obs("p1", 0, 2.45, 1.8, capturedAt: t0.AddSeconds(2)),
            Obs("p2", 0, 5.4, 1.85, capturedAt: t0.AddSeconds(4)),
            Obs("p3", 0, 5.45, 1.8, capturedAt: t0.AddSeconds(6)),
        };

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
        Assert.All(points, p => Assert.Equal(2, p.ObservationCount));
    }

    [Fact]
    public void Cluster_MergesOneMine_WhenPhotosSecondsApartShareADriftingBias()
    {
        // Five photos 2 s apart, the shared 3 m bias drifting 0.2 m per photo: one point with five views.
        var t0 = new DateTimeOffset(2025, 5, 14, 10, 30, 0, TimeSpan.Zero);
        var observations = Enumerable.Range(0, 5)
            .Select(k => Obs($"p{k}", 0, 2.4 + (0.2 * k), 1.8 - (0.1 * k), capturedAt: t0.AddSeconds(2 * k)))
            .ToList();

        var point = Assert.Single(HazardClusterer.Cluster(observations, Defaults));
        Assert.Equal(5, point.ObservationCount);
    }

    [Fact]
    public void Cluster_KeepsTwoBoxesOfOnePhotoApart_EvenWhen03mApart()
    {
        var observations = new[] { Obs("p0", 0, 0, 0), Obs("p0", 1, 0.3, 0) };

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
    }

    [Fact]
    public void Cluster_KeepsTwoObjects03mApart_WhenThreePhotosSeeBoth()
    {
        // Offset consensus: (δ) has two one-to-one inliers, (δ ± 0.3) only one, so the pairs stay crossed right.
        var observations = new List<Observation>();
        for (int k = 0; k < 3; k++)
        {
            double bias = 0.5 * k;
            observations.Add(Obs($"p{k}", 0, 0 + bias, 0));
            observations.Add(Obs($"p{k}", 1, 0.3 + bias, 0));
        }

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
        Assert.All(points, p => Assert.Equal(3, p.ObservationCount));
        Assert.All(points, p => Assert.Single(p.Observations.Select(o => o.DetectionIndex).Distinct()));
    }

    [Fact]
    public void Cluster_NeverPutsTwoObservationsOfOnePhotoInOneCluster()
    {
        // p0 sees two boxes 0.2 m apart; p1 sees one box between them, linkable to either.
        var observations = new[] { Obs("p0", 0, -0.1, 0), Obs("p0", 1, 0.1, 0), Obs("p1", 0, 0, 0) };

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
        AssertOneObservationPerPhoto(points);
    }

    [Fact]
    public void Cluster_KeepsDifferentClassesApart_WithoutGroundBoxes()
    {
        var observations = new[] { Obs("p0", 0, 0, 0, "ap_mine"), Obs("p1", 0, 0, 0, "uxo") };

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
    }

    /// <summary>
    /// Two views 0.02 m apart whose 0.12 m ground boxes (radius 0.0849 m, centre to corner) overlap: one object,
    /// whatever the model called it — one point carrying both votes. Ties go by summed confidence (uxo 0.7).
    /// </summary>
    [Fact]
    public void Cluster_MergesViewsOfDifferentClasses_WhenTheyOccupyTheSameGround()
    {
        var observations = new[] { Boxed("p0", 0, 0, 0, 0.12, "ap_mine", 0.6), Boxed("p1", 0, 0.02, 0, 0.12, "uxo", 0.7) };

        var point = Assert.Single(HazardClusterer.Cluster(observations, Defaults));

        Assert.Equal(1, point.ClassVotes["ap_mine"]);
        Assert.Equal(1, point.ClassVotes["uxo"]);
        Assert.Equal("uxo", point.ClassName);
    }

    /// <summary>Off, the same two views stay two points (the rule is what merges them).</summary>
    [Fact]
    public void Cluster_KeepsOverlappingViewsOfDifferentClassesApart_WhenTheRuleIsOff()
    {
        var observations = new[] { Boxed("p0", 0, 0, 0, 0.12, "ap_mine"), Boxed("p1", 0, 0.02, 0, 0.12, "uxo") };

        Assert.Equal(2, HazardClusterer.Cluster(observations, new ClusterOptions { MergeOverlappingViews = false }).Count);
    }

    /// <summary>
    /// 0.10 m apart, beyond the 0.0849 m radius of either 0.12 m box: centres outside each other's ground, so possibly
    /// two objects side by side — kept apart although well within the relative gate (3 × 0.15 m).
    /// </summary>
    [Fact]
    public void Cluster_KeepsDifferentClassesApart_WhenTheirGroundBoxesDoNotContainEachOther()
    {
        var observations = new[] { Boxed("p0", 0, 0, 0, 0.12, "ap_mine"), Boxed("p1", 0, 0.10, 0, 0.12, "uxo") };

        Assert.Equal(2, HazardClusterer.Cluster(observations, Defaults).Count);
    }

    /// <summary>
    /// The hill flight's case: an ap_mine and a uxo 1 m apart, each seen in both photos with the right class, plus a
    /// third photo that calls the ap_mine "at_mine". The at_mine view joins the ap_mine (same ground), never the uxo;
    /// the two objects stay two points.
    /// </summary>
    [Fact]
    public void Cluster_JoinsAMisclassifiedView_ToTheObjectItSitsOn_NotToANeighbour()
    {
        var observations = new[]
        {
            Boxed("p0", 0, 0, 0, 0.12, "ap_mine"), Boxed("p0", 1, 1.0, 0, 0.5, "uxo"),
            Boxed("p1", 0, 0.01, 0, 0.12, "ap_mine"), Boxed("p1", 1, 1.01, 0, 0.5, "uxo"),
            Boxed("p2", 0, 0.005, 0.005, 0.12, "at_mine"), Boxed("p2", 1, 1.0, 0.01, 0.5, "uxo"),
        };

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
        var mine = points.Single(p => p.ClassVotes.ContainsKey("ap_mine"));
        Assert.Equal(3, mine.ObservationCount);
        Assert.Equal(1, mine.ClassVotes["at_mine"]);
        Assert.Equal("ap_mine", mine.ClassName);
        Assert.Equal(3, points.Single(p => p.ClassName == "uxo").ObservationCount);
    }

    /// <summary>
    /// The hill flight's other case: photo p0 sees one object and calls it uxo; p1 calls the same object ap_mine
    /// (2 mm away) and also sees a uxo 3.5 m off. The only same-class pair of the two photos is two different objects,
    /// so its offset (3.5 m) is no measurement: the views on the same ground still merge, and the far uxo stays alone.
    /// </summary>
    [Fact]
    public void Cluster_MergesOverlappingViews_WhenThePhotoPairsOnlySameClassPairIsTwoObjects()
    {
        var observations = new[]
        {
            Boxed("p0", 0, 0, 0, 0.12, "uxo"),
            Boxed("p1", 0, 0.002, 0, 0.12, "ap_mine"), Boxed("p1", 1, 3.3, 1.2, 0.3, "uxo"),
        };

        var points = HazardClusterer.Cluster(observations, Defaults);

        Assert.Equal(2, points.Count);
        var merged = points.Single(p => p.ObservationCount == 2);
        Assert.Equal(1, merged.ClassVotes["uxo"]);
        Assert.Equal(1, merged.ClassVotes["ap_mine"]);
        Assert.Single(points, p => p.ObservationCount == 1);
    }

    [Fact]
    public void Cluster_MergesConfiguredCompatibleClasses_AndVotes()
    {
        var observations = new[]
        {
            Obs("p0", 0, 0, 0, "ap_mine", 0.6), Obs("p1", 0, 0, 0, "at_mine", 0.9), Obs("p2", 0, 0, 0, "ap_mine", 0.5),
        };
        var options = new ClusterOptions { CompatibleClassGroups = [["ap_mine", "at_mine"]] };

        var point = Assert.Single(HazardClusterer.Cluster(observations, options));

        Assert.Equal("ap_mine", point.ClassName);
        Assert.Equal(2, point.ClassVotes["ap_mine"]);
        Assert.Equal(1, point.ClassVotes["at_mine"]);
        Assert.Equal(0.9, point.MaxConfidence, 1e-12);
        Assert.Equal(2.0 / 3, point.MeanConfidence, 1e-12);
    }

    [Fact]
    public void Cluster_BreaksAClassTieBySummedConfidence()
    {
        var observations = new[] { Obs("p0", 0, 0, 0, "ap_mine", 0.4), Obs("p1", 0, 0, 0, "at_mine", 0.7) };
        var options = new ClusterOptions { CompatibleClassGroups = [["ap_mine", "at_mine"]] };

        Assert.Equal("at_mine", Assert.Single(HazardClusterer.Cluster(observations, options)).ClassName);
    }

    [Fact]
    public void Cluster_SharedErrorDoesNotAverageOut()
    {
        // σ = 1, shared 0.6: independent variance 1 − 0.36 = 0.64 per view, /4 views = 0.16;
        // σ = √(0.36 + 0.16) = 0.7211 m (not 1/√4 = 0.5), R90 = 2.1460·σ for a circular error.
        var observations = Enumerable.Range(0, 4).Select(k => Obs($"p{k}", 0, 0, 0, sigmaM: 1, sharedM: 0.6)).ToList();

        var point = Assert.Single(HazardClusterer.Cluster(observations, Defaults));

        Assert.Equal(Math.Sqrt(0.52), point.SigmaM, 1e-9);
        Assert.Equal(2.1460 * Math.Sqrt(0.52), point.R90M, 1e-3);
    }

    [Fact]
    public void Cluster_DropsPointsSeenTooRarely_WhenMinObservationsIsSet()
    {
        var observations = new[] { Obs("p0", 0, 0, 0), Obs("p1", 0, 0, 0), Obs("p0", 1, 30, 0) };

        var points = HazardClusterer.Cluster(observations, new ClusterOptions { MinObservations = 2 });

        Assert.Equal(2, Assert.Single(points).ObservationCount);
    }

    [Fact]
    public void Cluster_GivesTheSameIdsAndOrder_WhenTheInputIsShuffled()
    {
        var (observations, _) = DriftingFlight(3, staggered: true);
        var shuffled = observations.ToArray();
        new Random(99).Shuffle(shuffled);

        var a = HazardClusterer.Cluster(observations, Defaults);
        var b = HazardClusterer.Cluster(shuffled, Defaults);

        Assert.Equal(a.Select(p => p.Id), b.Select(p => p.Id));
        Assert.Equal(a.Select(p => p.Position), b.Select(p => p.Position));
        Assert.All(a, p => Assert.Matches("^hp-[0-9a-f]{12}$", p.Id));
    }

    /// <summary>Photos 0–4 see both mines, or (staggered) photos 0–4 mine 1 and 1–5 mine 2.</summary>
    private static (List<Observation> Observations, (double EastM, double NorthM)[] BiasedTruth) DriftingFlight(int seed, bool staggered)
    {
        int photos = staggered ? 6 : 5;
        var rng = new Random(seed);
        (double E, double N)[] mines = [(0, 0), (0.8, 0)];
        var observations = new List<Observation>();
        var biases = new (double E, double N)[photos];
        double be = 2.4, bn = 1.8;
        for (int k = 0; k < photos; k++)
        {
            biases[k] = (be, bn);
            int index = 0;
            for (int m = 0; m < 2; m++)
            {
                bool sees = !staggered || (m == 0 ? k <= 4 : k >= 1);
                if (sees)
                {
                    observations.Add(Obs($"photo-{k}", index++, mines[m].E + be + Gauss(rng, 0.1), mines[m].N + bn + Gauss(rng, 0.1)));
                }
            }

            be += Gauss(rng, 0.2);
            bn += Gauss(rng, 0.2);
        }

        var truth = new (double, double)[2];
        for (int m = 0; m < 2; m++)
        {
            var seen = !staggered ? biases : m == 0 ? biases[..5] : biases[1..];
            truth[m] = (mines[m].E + seen.Average(b => b.E), mines[m].N + seen.Average(b => b.N));
        }

        return (observations, truth);
    }

    private static void AssertOneObservationPerPhoto(IEnumerable<HazardPoint> points) =>
        Assert.All(points, p => Assert.Equal(p.ObservationCount, p.Observations.Select(o => o.PhotoId).Distinct().Count()));
}
