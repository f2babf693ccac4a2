using System.Diagnostics;

namespace DroneScan.Pipeline.Bench;

/// <summary>The stages of a scan a <see cref="StageTimes"/> accumulates, in the order a photo passes them.</summary>
public enum ScanStage
{
    /// <summary>Reading the file's bytes and hashing them (the photo id).</summary>
    ReadHash,

    /// <summary>EXIF/XMP metadata, camera model, georeference and footprint.</summary>
    Metadata,

    /// <summary>JPEG decode and orientation.</summary>
    Decode,

    /// <summary>GSD rescale of the decoded photo.</summary>
    Rescale,

    /// <summary>Copying tiles into the input tensor.</summary>
    Fill,

    /// <summary>The model (ONNX Runtime run and output decoding).</summary>
    Inference,

    /// <summary>Suppression inside tiles and merging across tiles.</summary>
    Merge,

    /// <summary>Placing detections on the ground (pixel → ground, uncertainty).</summary>
    Georeference,

    /// <summary>Saving the photo and its observations.</summary>
    Store,
}

/// <summary>
/// Wall time spent in each <see cref="ScanStage"/>, summed over photos; thread-safe, so the reading stage (one
/// photo ahead, on its own thread) and the inference stage add to the same instance. Stages on different threads
/// overlap: their sum can exceed the elapsed time, which is the point of the pipeline.
/// </summary>
public sealed class StageTimes
{
    private readonly long[] _ticks = new long[Enum.GetValues<ScanStage>().Length];

    public void Add(ScanStage stage, TimeSpan elapsed) => Interlocked.Add(ref _ticks[(int)stage], elapsed.Ticks);

    public TimeSpan this[ScanStage stage] => TimeSpan.FromTicks(Interlocked.Read(ref _ticks[(int)stage]));

    /// <summary>One running measurement; ends when disposed.</summary>
    public readonly struct Lap(StageTimes? owner, ScanStage stage, long started) : IDisposable
    {
        public void Dispose() => owner?.Add(stage, Stopwatch.GetElapsedTime(started));
    }
}

/// <summary>Extensions that let call sites time a stage whether or not a timer was given.</summary>
public static class StageTimesExtensions
{
    /// <summary>Starts timing <paramref name="stage"/> on <paramref name="times"/> (nothing when it is null); dispose
    /// the result (a struct, no allocation) to stop.</summary>
    public static StageTimes.Lap Time(this StageTimes? times, ScanStage stage) =>
        times is null ? default : new(times, stage, Stopwatch.GetTimestamp());
}
