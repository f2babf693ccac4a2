using System.Globalization;
using DroneScan.Pipeline.Scan;

namespace DroneScan.Cli.Scan;

/// <summary>
/// Progress of a scan for people. On a terminal: one line rewritten in place (photos done/total, photos/s, ETA),
/// with each photo's problem printed above it. Redirected: one plain line per photo, which logs keep.
/// </summary>
internal sealed class ScanProgressReport(TextWriter output, bool interactive, TimeProvider time) : IScanProgress
{
    private long _started;
    private int _lastWidth;

    public void Started(string flightId, int photoCount)
    {
        _started = time.GetTimestamp();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Scanning {photoCount} photos into flight {flightId}"));
        output.Flush();
    }

    public void PhotoFinished(ScanPhotoResult result, int done, int total)
    {
        if (!interactive)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{done}/{total}] {Describe(result)}"));
            output.Flush();
            return;
        }

        if (result.Problem is not null)
        {
            Clear();
            output.WriteLine(Describe(result));
        }

        double seconds = time.GetElapsedTime(_started).TotalSeconds;
        double rate = seconds > 0 ? done / seconds : 0;
        string eta = rate > 0 ? FormatDuration(TimeSpan.FromSeconds((total - done) / rate)) : "?";
        string line = string.Create(CultureInfo.InvariantCulture, $"{done}/{total} photos  {rate:0.00} photos/s  ETA {eta}");
        output.Write('\r' + line.PadRight(_lastWidth));
        _lastWidth = line.Length;
        output.Flush();
    }

    public void Finalising()
    {
        if (interactive)
        {
            Clear();
        }

        output.WriteLine("Merging detections into hazard points, coverage and suggested areas …");
        output.Flush();
    }

    internal static string FormatDuration(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h{t.Minutes:00}m")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}m{t.Seconds:00}s");

    private static string Describe(ScanPhotoResult r) => r.Outcome switch
    {
        ScanPhotoOutcome.Processed => $"{r.File}: {r.Detections} detection{(r.Detections == 1 ? "" : "s")}",
        ScanPhotoOutcome.Resumed => $"{r.File}: done in an earlier run, not redone",
        _ => $"{r.Problem!.Reason} ({r.Outcome.ToString().ToLowerInvariant()}, {r.Problem.Code})",
    };

    private void Clear()
    {
        if (_lastWidth > 0)
        {
            output.Write('\r' + new string(' ', _lastWidth) + '\r');
            _lastWidth = 0;
        }
    }
}

/// <summary>The table printed when a scan ends.</summary>
internal static class ScanSummary
{
    public static void Write(TextWriter output, ScanReport report, string database, string? outputFile)
    {
        var t = report.Totals;
        var inv = CultureInfo.InvariantCulture;
        var rows = new List<(string, string)>
        {
            ("Flight", $"{report.FlightId} ({report.FlightName}), run {report.RunId}"),
            report.PhotosByModel.Count > 0
                ? ("Models", string.Join(", ", report.PhotosByModel.Select(m => string.Create(inv, $"{m.Model} ({m.Photos} photo{(m.Photos == 1 ? "" : "s")})"))) + ": each photo the model of its sensor")
                : ("Model", $"{report.ModelName} {report.ModelVersion}"),
            ("Photos", string.Create(inv, $"{report.PhotosUsed} used ({t.PhotosProcessed} processed, {t.PhotosResumed} resumed), {t.PhotosSkipped} skipped, {t.PhotosFailed} failed, of {t.PhotosTotal}")),
            ("Detections", string.Create(inv, $"{report.Detections} on the ground ({t.Detections} new in this run)")),
            ("Hazard points", string.Create(inv, $"{report.Hazards.Count} candidate{(report.Hazards.Count == 1 ? "" : "s")} for review, {report.Hazards.Count(h => h.ObservationCount > 1)} seen in several photos")),
            ("Suggested areas", string.Create(inv, $"{report.Areas.Count} ({report.Areas.Sum(a => a.AreaM2):0} m², buffer {(report.Areas.Count > 0 ? report.Areas[0].BufferM : 0):0.#} m)")),
            ("Area covered", Covered(report)),
            ("Time", string.Create(inv, $"{report.Elapsed.TotalSeconds:0.0} s ({(report.Elapsed.TotalSeconds > 0 ? t.PhotosProcessed / report.Elapsed.TotalSeconds : 0):0.00} photos/s processed)")),
            ("Database", database),
            ("Output", outputFile ?? "none (--out FILE writes the points)"),
        };

        output.WriteLine();
        int width = rows.Max(r => r.Item1.Length);
        foreach (var (name, value) in rows)
        {
            output.WriteLine($"{name.PadRight(width)}  {value}");
        }

        if (report.Truth is { } truth)
        {
            output.WriteLine();
            output.WriteLine($"Compared with {truth.File}:");
            output.WriteLine(string.Create(inv, $"  targets found     {truth.Found} of {truth.VisibleTargets} visible (within {TruthCheck.FoundWithinM} m){(truth.Missed.Count > 0 ? "; missed " + string.Join(", ", truth.Missed) : "")}"));
            if (truth.MedianErrorM is { } median)
            {
                output.WriteLine(string.Create(inv, $"  position error    median {median:0.000} m, max {truth.MaxErrorM:0.000} m"));
            }

            output.WriteLine(string.Create(inv, $"  duplicates        {truth.Duplicates} extra point(s) on targets"));
            output.WriteLine(string.Create(inv, $"  false positives   {truth.OnHardNegatives} on hard negatives, {truth.FalsePositiveIds.Count} farther than {TruthCheck.FarM} m from any item{(truth.FalsePositiveIds.Count > 0 ? ": " + string.Join(", ", truth.FalsePositiveIds) : "")}"));
        }

        var problems = report.Photos.Where(p => p.Problem is not null).ToList();
        if (problems.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Photos not used:");
            foreach (var p in problems)
            {
                output.WriteLine($"  {p.Outcome.ToString().ToLowerInvariant(),-7}  {p.Problem!.Code,-16}  {p.Problem.Reason}");
            }
        }

        if (report.CoarsePhotos.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(report.MixedModels
                ? "Used, but not counted as coverage (GSD over the limit of the photo's model):"
                : string.Create(inv, $"Used, but not counted as coverage (GSD over {report.Coverage.MaxGsdM * 100:0.##} cm/px):"));
            foreach (var p in report.CoarsePhotos)
            {
                output.WriteLine(string.Create(inv, $"  {p.FileName}  GSD {p.CentreGsdM * 100:0.##} cm/px"));
            }
        }

        if (report.IgnoredFiles.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(string.Create(inv, $"Not photos (by extension), ignored: {string.Join(", ", report.IgnoredFiles)}"));
        }
    }

    private static string Covered(ScanReport report)
    {
        var c = report.Coverage;
        string limit = report.MixedModels ? "the GSD limit of each photo's model"
            : report.HasGsdLimit ? string.Create(CultureInfo.InvariantCulture, $"GSD ≤ {c.MaxGsdM * 100:0.##} cm/px")
            : "any GSD (the model declares none)";
        return string.Create(CultureInfo.InvariantCulture, $"{c.AreaM2:0} m² by {c.PhotoCount} photos at {limit}");
    }
}
