using BenchmarkDotNet.Attributes;
using DroneScan.Core.Detection;

namespace DroneScan.Bench.Micro;

/// <summary>Suppression and merging of many boxes: a noisy photo's detections before merging across tiles.</summary>
[MemoryDiagnoser]
public class MergeBenchmarks
{
    private List<DetectionBox> _boxes = [];

    [Params(1_000, 10_000)]
    public int Boxes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Clumps of overlapping boxes (an object seen by neighbouring anchors and tiles) over a 20-MP photo.
        var rng = new Random(1);
        _boxes = new List<DetectionBox>(Boxes);
        for (int i = 0; i < Boxes; i++)
        {
            double cx = rng.Next(0, 5472) , cy = rng.Next(0, 3648);
            if (i % 4 != 0 && _boxes.Count > 0)
            {
                var near = _boxes[^1].Box;
                (cx, cy) = (((near.X1 + near.X2) / 2) + rng.Next(-5, 6), ((near.Y1 + near.Y2) / 2) + rng.Next(-5, 6));
            }

            _boxes.Add(new DetectionBox(PixelBox.FromCentre(cx, cy, 20 + rng.Next(30), 20 + rng.Next(30)), rng.Next(3), (float)rng.NextDouble()));
        }
    }

    [Benchmark]
    public int SuppressIoU() => BoxMerger.Merge(_boxes, new MergeOptions { Mode = MergeMode.Suppress, Metric = OverlapMetric.IoU, Threshold = 0.7, MaxDetections = int.MaxValue }).Count;

    [Benchmark]
    public int PhotoMergeDefaults() => BoxMerger.Merge(_boxes, new MergeOptions { MaxDetections = int.MaxValue }).Count;
}
