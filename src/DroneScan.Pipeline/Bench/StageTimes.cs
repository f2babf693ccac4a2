using System.Diagnostics;
using System.Runtime.InteropServices;

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

    /// <summary>The second stage, when the model has a chip verifier: cutting chips and running the verifier.</summary>
    Verify,

    /// <summary>Placing detections on the ground (pixel → ground, uncertainty).</summary>
    Georeference,

    /// <summary>Saving the photo and its observations.</summary>
    Store,
}

/// <summary>
/// Wall time and CPU time spent in each <see cref="ScanStage"/>, summed over photos; thread-safe, so the reading
/// stage (one photo ahead, on its own thread) and the inference stage add to the same instance. Stages on different
/// threads overlap: their wall times can sum to more than the elapsed time, which is the point of the pipeline.
/// The CPU time is the timing thread's own (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>; zero elsewhere): on a machine
/// whose cores the model keeps busy, a reading stage's wall time is mostly waiting for a core, its CPU time is
/// what it costs. ONNX Runtime runs on the calling thread and its own pool, so the inference CPU time here is the
/// calling thread's share only.
/// </summary>
public sealed class StageTimes
{
    private readonly long[] _ticks = new long[Enum.GetValues<ScanStage>().Length];
    private readonly long[] _cpuNanoseconds = new long[Enum.GetValues<ScanStage>().Length];

    public void Add(ScanStage stage, TimeSpan elapsed) => Interlocked.Add(ref _ticks[(int)stage], elapsed.Ticks);

    /// <summary>Wall time of <paramref name="stage"/>.</summary>
    public TimeSpan this[ScanStage stage] => TimeSpan.FromTicks(Interlocked.Read(ref _ticks[(int)stage]));

    /// <summary>CPU time of <paramref name="stage"/> on the threads that timed it.</summary>
    public TimeSpan Cpu(ScanStage stage) => TimeSpan.FromTicks(Interlocked.Read(ref _cpuNanoseconds[(int)stage]) / 100);

    private void Add(ScanStage stage, TimeSpan elapsed, long cpuNanoseconds)
    {
        Add(stage, elapsed);
        Interlocked.Add(ref _cpuNanoseconds[(int)stage], Math.Max(0, cpuNanoseconds));
    }

    /// <summary>One running measurement; ends when disposed.</summary>
    public readonly struct Lap(StageTimes? owner, ScanStage stage, long started, long cpuStarted) : IDisposable
    {
        public void Dispose() => owner?.Add(stage, Stopwatch.GetElapsedTime(started), ThreadCpu.Nanoseconds() - cpuStarted);
    }
}

/// <summary>The calling thread's CPU time (Linux; 0 where it cannot be read).</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;
    private static readonly bool Available = OperatingSystem.IsLinux();

    public static long Nanoseconds()
    {
        if (!Available)
        {
            return 0;
        }

        return ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1_000_000_000L) + time.Nanoseconds : 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport: the struct is blittable, so no marshalling code is generated and no unsafe code is needed.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
#pragma warning restore SYSLIB1054
}

/// <summary>Extensions that let call sites time a stage whether or not a timer was given.</summary>
public static class StageTimesExtensions
{
    /// <summary>Starts timing <paramref name="stage"/> on <paramref name="times"/> (nothing when it is null); dispose
    /// the result (a struct, no allocation) to stop.</summary>
    public static StageTimes.Lap Time(this StageTimes? times, ScanStage stage) =>
        times is null ? default : new(times, stage, Stopwatch.GetTimestamp(), ThreadCpu.Nanoseconds());
}
