using System.ComponentModel.DataAnnotations;

namespace DroneScan.Web.Hosting;

/// <summary>Where the service keeps its data: configuration section <c>Storage</c>.</summary>
public sealed record StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>sqlite</c> (embedded default: files under <see cref="DataDir"/>) or <c>postgres</c>.</summary>
    [Required]
    public string Provider { get; set; } = "sqlite";

    /// <summary>PostgreSQL: the Npgsql connection string (app tables and Hangfire). SQLite: the database file;
    /// <c>&lt;data&gt;/dronescan.db</c> when empty.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for uploaded photos (<c>flights/&lt;id&gt;/</c>) and, with SQLite, the database files.</summary>
    [Required]
    public string DataDir { get; set; } = "dronescan-data";
}

/// <summary>Background processing: configuration section <c>Jobs</c>.</summary>
public sealed record JobOptions
{
    public const string Section = "Jobs";

    /// <summary>An ONNX model to run. With neither this nor <see cref="Models"/>, the shipped models found above the
    /// program or working folder: <c>models/dronescan-rgb.onnx</c> and, when present, <c>models/dronescan-thermal.onnx</c>.</summary>
    public string? ModelPath { get; set; }

    /// <summary>More ONNX models to run beside <see cref="ModelPath"/> (<c>Jobs:Models:0</c>, <c>Jobs:Models:1</c> …):
    /// with several, a flight's photos choose among them by sensor unless the flight names one.</summary>
    public string[]? Models { get; set; }

    /// <summary>Hangfire workers in this process (0 = one per core).</summary>
    [Range(0, 256)]
    public int Workers { get; set; }

    /// <summary>ONNX Runtime threads per inference (0 = one per core this process may run on).</summary>
    [Range(0, 256)]
    public int DetectorThreads { get; set; }

    /// <summary>How often an idle worker looks for jobs, seconds (SQLite storage).</summary>
    [Range(0.05, 60)]
    public double QueuePollSeconds { get; set; } = 1;

    /// <summary>
    /// How long a job fetched by a worker stays invisible to the others, seconds: when its process dies (killed, out of
    /// memory, power cut) the job runs again on another worker after this long. PostgreSQL renews it while the job runs
    /// (sliding), so it bounds only the wait after a crash; the SQLite storage does not renew it, so there a job that
    /// runs longer is also started a second time by another worker of the same process (harmless: jobs are reentrant,
    /// only the work is doubled).
    /// </summary>
    [Range(1, 86400)]
    public double InvisibilityTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// How old a Hangfire lock row may get before another process may take it, seconds (PostgreSQL job storage). A
    /// process killed while it changes a job's state (it holds <c>job:N:state-lock</c> for that moment only) leaves the
    /// row behind, and nothing can move that job on until the row is this old: Hangfire.PostgreSql's own default, ten
    /// minutes, kept a dead worker's job stuck that long. The locks it guards are held for one state change or one
    /// maintenance batch, far below this.
    /// </summary>
    [Range(1, 3600)]
    public double DistributedLockTimeoutSeconds { get; set; } = 30;
}

/// <summary>Upload and image limits: configuration section <c>Upload</c>.</summary>
public sealed record UploadOptions
{
    public const string Section = "Upload";

    /// <summary>Largest request body of an upload, bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 8L << 30;

    /// <summary>Most photos in one flight.</summary>
    [Range(1, int.MaxValue)]
    public int MaxPhotos { get; set; } = 5000;

    /// <summary>Most entries in an uploaded zip.</summary>
    [Range(1, int.MaxValue)]
    public int MaxZipEntries { get; set; } = 10000;

    /// <summary>Most bytes a zip may expand to.</summary>
    [Range(1, long.MaxValue)]
    public long MaxZipUncompressedBytes { get; set; } = 16L << 30;

    /// <summary>Largest image chip (crop) served, pixels.</summary>
    [Range(1, long.MaxValue)]
    public long MaxChipPixels { get; set; } = 4_000_000;
}
