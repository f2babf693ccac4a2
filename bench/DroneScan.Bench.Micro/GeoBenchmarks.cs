using BenchmarkDotNet.Attributes;
using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;

namespace DroneScan.Bench.Micro;

/// <summary>Pixel → ground for 10^5 points (and with uncertainty for 10^3), and clustering 10^5 detections into hazard points.</summary>
[MemoryDiagnoser]
public class GeoBenchmarks
{
    private const int Count = 100_000;
    private static readonly GeoPoint Site = new(48.5, 37.5);
    private readonly PixelPoint[] _pixels = new PixelPoint[Count];
    private PhotoGeoreference _photo = null!;
    private List<Observation> _observations = [];

    [GlobalSetup]
    public void Setup()
    {
        // A 20-MP DJI FC6310 frame (f = 3648 px) at 30 m, 10° off nadir; errors as the scan's defaults give.
        var camera = new CameraGeometry(CameraIntrinsics.Centred(5472, 3648, 3648), 1, new CameraAttitude(30, -80, 0), 30);
        _photo = new PhotoGeoreference(Site, 250, camera, new ErrorModel(3, 3, 1, 1, 1, 0.5), 600);
        var rng = new Random(1);
        for (int i = 0; i < Count; i++)
        {
            _pixels[i] = new PixelPoint(rng.NextDouble() * 5472, rng.NextDouble() * 3648);
        }

        // 10^5 observations: 20 000 objects over a 1 km² site, each seen in 5 photos (a line of a flight,
        // captured seconds apart), scattered by 0.5 m around the object.
        var plane = new LocalTangentPlane(Site.LatitudeDeg, Site.LongitudeDeg);
        var start = new DateTimeOffset(2025, 5, 14, 10, 30, 0, TimeSpan.Zero);
        _observations = new List<Observation>(Count);
        for (int o = 0; o < Count / 5; o++)
        {
            double east = rng.NextDouble() * 1000, north = rng.NextDouble() * 1000;
            for (int v = 0; v < 5; v++)
            {
                var at = plane.ToGeodetic(new Enu(east + (rng.NextDouble() - 0.5), north + (rng.NextDouble() - 0.5), 0)).Point;
                _observations.Add(new Observation(
                    $"photo-{o / 4}-{v}", o % 4, "ap_mine", 0.8, Core.Detection.PixelBox.FromCentre(100, 100, 20, 20), at, null,
                    HorizontalUncertainty.FromCovariance(9, 0, 9), 3, start.AddSeconds((o * 0.1) + (v * 2))));
            }
        }
    }

    [Benchmark]
    public double PixelToGround100k()
    {
        double sum = 0;
        foreach (var p in _pixels)
        {
            sum += _photo.PixelToGround(p)?.LatitudeDeg ?? 0;
        }

        return sum;
    }

    /// <summary>Pixel → ground with the uncertainty at that pixel (what each detection gets): 10^3 points, as it costs
    /// milliseconds a point; a photo has tens of detections.</summary>
    [Benchmark]
    public double Locate1k()
    {
        double sum = 0;
        foreach (var p in _pixels.AsSpan(0, 1000))
        {
            sum += _photo.Locate(p)?.Uncertainty.SigmaM ?? 0;
        }

        return sum;
    }

    [Benchmark]
    public int Cluster100k() => HazardClusterer.Cluster(_observations, new ClusterOptions()).Count;
}
