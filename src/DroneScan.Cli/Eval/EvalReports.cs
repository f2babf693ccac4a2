using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DroneScan.Core.Evaluation;
using DroneScan.Detection;
using DroneScan.Pipeline.Evaluate;

namespace DroneScan.Cli.Eval;

/// <summary>Where error images were written, at which score threshold (null: none accepted), and how many.</summary>
internal sealed record RenderSummary(string Directory, double? Threshold, int Images);

/// <summary>Everything one <c>eval</c> run reports; <paramref name="UnreadableByGroup"/> follows the set's groups.</summary>
internal sealed record EvalRun(
    EvaluationSet Set, ModelInfo Model, GroupedEvaluationReport Report, IReadOnlyList<int> UnreadableByGroup, double? Conf, double ScoreFloor, RenderSummary? Rendered)
{
    public int Unreadable => UnreadableByGroup.Sum();

    /// <summary>The operating points of --sweep, lowest score first (empty without it).</summary>
    public IReadOnlyList<SweepPoint> Sweep { get; init; } = [];

    /// <summary>Where the object-free threshold came from, in words.</summary>
    public string ObjectFreeThresholdSource => Conf is not null ? "--conf" : "the best-F1 score of all images";
}

/// <summary>
/// One JSON object for the whole run:
/// <c>{"data", "model": {"name", "version", "sha256", "verifier": {"name", "version", "sha256", "screen": {"name",
/// "version", "sha256", "score"}|null}|null}, "agnostic",
/// "images", "unreadable", "megapixels", "iou", "scoreFloor", "conf", "overall": METRICS, "classes": [{"id", "name",
/// METRICS…}], "objectFree": OBJECTFREE, "flights": [{"name", "images", "unreadable", "megapixels", "overall",
/// "classes", "objectFree"}]|null, "rendered"}</c> where METRICS is <c>"truth", "detections", "ap50", "ap50To95",
/// "bestF1": POINT, "recallAtPrecision80", "atPrecision80": POINT|null, "atConf": POINT</c> (only with --conf),
/// POINT is <c>{"threshold", "precision", "recall", "f1", "tp", "fp", "fn", "fpPerMegapixel"}</c> and OBJECTFREE is
/// <c>{"threshold", "images", "megapixels", "boxes", "fpPerMegapixel"}</c> (boxes on images with nothing annotated,
/// at --conf or the pooled best-F1 score; fpPerMegapixel null without such images). AP is null for a class with
/// nothing to find; overall AP is the mean over the classes with objects, overall operating points pool the classes
/// under one threshold. The top-level numbers pool every flight; "flights" is null unless --data is a folder of flights.
/// <c>"edge": {"threshold", "edgeObjects", "edgeFound", "innerObjects", "innerFound"}</c> splits the pooled objects at
/// the object-free threshold into those whose box touches the image edge (often pieces cut by tiling) and the rest.
/// With --sweep, <c>"sweep": [{"threshold", "overall": POINT, "objectFree": OBJECTFREE, "flights": [{"name", "point": POINT}]|null}]</c>,
/// lowest score first.
/// </summary>
internal static class EvalJsonReport
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, EvalRun run)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var r = run.Report;
            w.WriteStartObject();
            w.WriteString("data", run.Set.Directory);
            w.WriteStartObject("model");
            w.WriteString("name", run.Model.Name);
            w.WriteString("version", run.Model.Version);
            w.WriteString("sha256", run.Model.Sha256);
            if (run.Model.Verifier is { } verifier)
            {
                w.WriteStartObject("verifier");
                w.WriteString("name", verifier.Name);
                w.WriteString("version", verifier.Version);
                w.WriteString("sha256", verifier.Sha256);
                if (verifier.Screen is { } screen)
                {
                    w.WriteStartObject("screen");
                    w.WriteString("name", screen.Name);
                    w.WriteString("version", screen.Version);
                    w.WriteString("sha256", screen.Sha256);
                    WriteNullable(w, "score", verifier.ScreenScore);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("screen");
                }

                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("verifier");
            }

            w.WriteEndObject();
            w.WriteBoolean("agnostic", r.ClassAgnostic);
            WriteSet(w, r.Overall, run.Unreadable);
            w.WriteNumber("iou", DetectionEvaluator.MatchIoU);
            w.WriteNumber("scoreFloor", run.ScoreFloor);
            WriteNullable(w, "conf", run.Conf);
            WriteSetMetrics(w, r.Overall);
            WriteObjectFree(w, r.ObjectFree);
            if (r.Edge is { } edge)
            {
                w.WriteStartObject("edge");
                WriteNullable(w, "threshold", edge.Threshold);
                w.WriteNumber("edgeObjects", edge.EdgeObjects);
                w.WriteNumber("edgeFound", edge.EdgeFound);
                w.WriteNumber("innerObjects", edge.InnerObjects);
                w.WriteNumber("innerFound", edge.InnerFound);
                w.WriteEndObject();
            }

            if (run.Set.IsFlights)
            {
                w.WriteStartArray("flights");
                for (int g = 0; g < r.Groups.Count; g++)
                {
                    w.WriteStartObject();
                    w.WriteString("name", r.Groups[g].Name);
                    WriteSet(w, r.Groups[g].Report, run.UnreadableByGroup[g]);
                    WriteSetMetrics(w, r.Groups[g].Report);
                    WriteObjectFree(w, r.Groups[g].ObjectFree);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }
            else
            {
                w.WriteNull("flights");
            }

            if (run.Sweep.Count > 0)
            {
                WriteSweep(w, run);
            }

            if (run.Rendered is { } rendered)
            {
                w.WriteStartObject("rendered");
                w.WriteString("folder", rendered.Directory);
                WriteNullable(w, "threshold", rendered.Threshold);
                w.WriteNumber("images", rendered.Images);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Flush();
    }

    private static void WriteSweep(Utf8JsonWriter w, EvalRun run)
    {
        w.WriteStartArray("sweep");
        foreach (var s in run.Sweep)
        {
            w.WriteStartObject();
            WriteNullable(w, "threshold", s.Threshold);
            WritePoint(w, "overall", s.Overall);
            WriteObjectFree(w, s.ObjectFree);
            if (run.Set.IsFlights)
            {
                w.WriteStartArray("flights");
                for (int g = 0; g < s.Groups.Count; g++)
                {
                    w.WriteStartObject();
                    w.WriteString("name", run.Report.Groups[g].Name);
                    WritePoint(w, "point", s.Groups[g]);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }
            else
            {
                w.WriteNull("flights");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteSet(Utf8JsonWriter w, EvaluationReport r, int unreadable)
    {
        w.WriteNumber("images", r.Images);
        w.WriteNumber("unreadable", unreadable);
        w.WriteNumber("megapixels", Math.Round(r.Megapixels, 6));
    }

    private static void WriteSetMetrics(Utf8JsonWriter w, EvaluationReport r)
    {
        w.WriteStartObject("overall");
        WriteMetrics(w, r.Overall);
        w.WriteEndObject();
        w.WriteStartArray("classes");
        foreach (var c in r.Classes)
        {
            w.WriteStartObject();
            w.WriteNumber("id", c.ClassId);
            w.WriteString("name", c.Name);
            WriteMetrics(w, c.Metrics);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteObjectFree(Utf8JsonWriter w, ObjectFreeRate o)
    {
        w.WriteStartObject("objectFree");
        WriteNullable(w, "threshold", o.Threshold);
        w.WriteNumber("images", o.Images);
        w.WriteNumber("megapixels", Math.Round(o.Megapixels, 6));
        w.WriteNumber("boxes", o.Boxes);
        WriteNullable(w, "fpPerMegapixel", o.FalsePositivesPerMegapixel);
        w.WriteEndObject();
    }

    private static void WriteMetrics(Utf8JsonWriter w, DetectionMetrics m)
    {
        w.WriteNumber("truth", m.Truth);
        w.WriteNumber("detections", m.Detections);
        WriteNullable(w, "ap50", m.Ap50);
        WriteNullable(w, "ap50To95", m.Ap50To95);
        WritePoint(w, "bestF1", m.BestF1);
        w.WriteNumber("recallAtPrecision80", Math.Round(m.RecallAtPrecision80, 6));
        WritePoint(w, "atPrecision80", m.AtPrecision80);
        if (m.AtThreshold is not null)
        {
            WritePoint(w, "atConf", m.AtThreshold);
        }
    }

    private static void WritePoint(Utf8JsonWriter w, string name, OperatingPoint? p)
    {
        if (p is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        WriteNullable(w, "threshold", p.Threshold);
        w.WriteNumber("precision", Math.Round(p.Precision, 6));
        w.WriteNumber("recall", Math.Round(p.Recall, 6));
        w.WriteNumber("f1", Math.Round(p.F1, 6));
        w.WriteNumber("tp", p.TruePositives);
        w.WriteNumber("fp", p.FalsePositives);
        w.WriteNumber("fn", p.FalseNegatives);
        w.WriteNumber("fpPerMegapixel", Math.Round(p.FalsePositivesPerMegapixel, 6));
        w.WriteEndObject();
    }

    /// <summary>Rounded to 6 places: scores are float32, so a threshold of 0.9f prints as 0.9, not 0.8999999761581421.</summary>
    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, Math.Round(v, 6));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}

/// <summary>
/// For people: a row per class and an overall row, then what the numbers mean; with a folder of flights, a row per
/// flight too; then the false boxes per megapixel on object-free images.
/// </summary>
internal static class EvalTableReport
{
    private const string Columns = "objects  boxes   AP50  AP50:95   score  precision  recall     F1    FP/MP  R@P>=0.8";

    public static void Write(TextWriter output, EvalRun run)
    {
        var c = CultureInfo.InvariantCulture;
        var r = run.Report.Overall;
        string verifier = run.Model.Verifier is { } v
            ? $", verifier {v.Name} {v.Version}" + (v.Screen is { } sc ? string.Create(c, $" behind screen {sc.Name} {sc.Version} (>= {v.ScreenScore:0.###})") : "")
            : "";
        output.WriteLine(string.Create(c, $"{run.Set.Directory}: {r.Images} image(s) ({run.Unreadable} unreadable), {r.Megapixels:0.##} MP, {r.Overall.Truth} object(s), {r.Overall.Detections} box(es) scoring >= {run.ScoreFloor:0.###}; model {run.Model.Name} {run.Model.Version}{verifier}"));
        if (run.Set.IsFlights)
        {
            output.WriteLine($"{run.Set.Groups.Count} flight(s): {string.Join(", ", run.Set.Groups.Select(g => g.Name))}; the tables pool all of them unless per flight");
        }

        if (run.Report.ClassAgnostic)
        {
            output.WriteLine($"Class-agnostic: every object and every detection is one class, \"{EvaluationImage.AgnosticClassName}\"; a box finds any object it overlaps enough.");
        }

        output.WriteLine();
        output.WriteLine("At the best-F1 score (IoU 0.5):");
        WriteClasses(output, r, m => m.BestF1);
        output.WriteLine("AP: COCO 101-point interpolated; overall AP is the mean over classes with objects. Score: each class's own");
        output.WriteLine("best-F1 score; overall: one score for all classes. FP/MP: false detections per megapixel at that score.");
        if (run.Conf is { } conf)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"At --conf {conf:0.###}:"));
            WriteClasses(output, r, m => m.AtThreshold!);
        }

        if (run.Set.IsFlights)
        {
            output.WriteLine();
            output.WriteLine("Per flight, each at its own best-F1 score (IoU 0.5):");
            WriteFlights(output, run, m => m.BestF1);
            if (run.Conf is { } flightConf)
            {
                output.WriteLine();
                output.WriteLine(string.Create(c, $"Per flight, at --conf {flightConf:0.###}:"));
                WriteFlights(output, run, m => m.AtThreshold!);
            }
        }

        output.WriteLine();
        WriteObjectFree(output, run);
        if (run.Report.Edge is { EdgeObjects: > 0 } edge)
        {
            output.WriteLine(string.Create(c, $"Objects touching the image edge (often pieces cut by tiling), at {Score(edge.Threshold)}: found {edge.EdgeFound} of {edge.EdgeObjects}; clear of the edge: {edge.InnerFound} of {edge.InnerObjects} (recall {Recall(edge.InnerRecallValue)})"));
        }

        if (run.Sweep.Count > 0)
        {
            output.WriteLine();
            WriteSweep(output, run);
        }

        if (run.Rendered is { } rendered)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"{rendered.Images} image(s) with a miss (yellow) or a false detection (red) at score {Score(rendered.Threshold)} written to {rendered.Directory}"));
        }

        output.Flush();
    }

    private static void WriteClasses(TextWriter output, EvaluationReport r, Func<DetectionMetrics, OperatingPoint> point)
    {
        output.WriteLine(Header("class"));
        foreach (var cls in r.Classes)
        {
            output.WriteLine(Row(cls.Name, cls.Metrics, point(cls.Metrics)));
        }

        output.WriteLine(Row("overall", r.Overall, point(r.Overall)));
    }

    private static void WriteFlights(TextWriter output, EvalRun run, Func<DetectionMetrics, OperatingPoint> point)
    {
        output.WriteLine(Header("flight"));
        foreach (var g in run.Report.Groups)
        {
            output.WriteLine(Row(g.Name, g.Report.Overall, point(g.Report.Overall)));
        }

        output.WriteLine(Row("all", run.Report.Overall.Overall, point(run.Report.Overall.Overall)));
    }

    /// <summary>FP/MP on object-free images: a table with a folder of flights, one line for one dataset.</summary>
    private static void WriteObjectFree(TextWriter output, EvalRun run)
    {
        var c = CultureInfo.InvariantCulture;
        var all = run.Report.ObjectFree;
        string title = string.Create(c, $"FP/MP on object-free images (no object labelled), boxes scoring >= {Score(all.Threshold)} ({run.ObjectFreeThresholdSource})");
        if (!run.Set.IsFlights)
        {
            output.WriteLine(all.Images == 0
                ? $"{title}: no object-free image"
                : string.Create(c, $"{title}: {FpPerMp(all)} ({all.Boxes} box(es) on {all.Images} image(s), {all.Megapixels:0.##} MP)"));
            return;
        }

        output.WriteLine(title + ":");
        output.WriteLine("flight              images       MP   boxes    FP/MP");
        foreach (var g in run.Report.Groups)
        {
            output.WriteLine(ObjectFreeRow(g.Name, g.ObjectFree));
        }

        output.WriteLine(ObjectFreeRow("all", all));
    }

    /// <summary>--sweep: one row per score, pooled over all images, with the object-free FP/MP (and each flight's recall).</summary>
    private static void WriteSweep(TextWriter output, EvalRun run)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("Threshold sweep (IoU 0.5; all images pooled; FP/MP free: false boxes per megapixel on object-free images;");
        output.WriteLine("then each flight's recall):");
        string flights = run.Set.IsFlights ? string.Concat(run.Report.Groups.Select(g => $"  {Clip(g.Name),18}")) : "";
        output.WriteLine($"{"score",7} {"precision",10} {"recall",7} {"tp",5} {"fp",6} {"FP/MP",8} {"FP/MP free",11}{flights}");
        foreach (var s in run.Sweep)
        {
            var p = s.Overall;
            string perFlight = run.Set.IsFlights ? string.Concat(s.Groups.Select(g => string.Create(c, $"  {g.Recall,18:0.000}"))) : "";
            output.WriteLine(string.Create(c, $"{s.Threshold,7:0.000} {p.Precision,10:0.000} {p.Recall,7:0.000} {p.TruePositives,5} {p.FalsePositives,6} {p.FalsePositivesPerMegapixel,8:0.00} {FpPerMp(s.ObjectFree),11}{perFlight}"));
        }
    }

    private static string ObjectFreeRow(string name, ObjectFreeRate o) =>
        string.Create(CultureInfo.InvariantCulture, $"{Clip(name),-18} {o.Images,7} {o.Megapixels,8:0.00} {o.Boxes,7} {FpPerMp(o),8}");

    private static string FpPerMp(ObjectFreeRate o) => o.FalsePositivesPerMegapixel is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string Header(string first) => $"{first,-18} {Columns}";

    private static string Row(string name, DetectionMetrics m, OperatingPoint p) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Clip(name),-18} {m.Truth,7} {m.Detections,6} {Ap(m.Ap50),6} {Ap(m.Ap50To95),8} {Score(p.Threshold),7} {p.Precision,10:0.000} {p.Recall,7:0.000} {p.F1,6:0.000} {p.FalsePositivesPerMegapixel,8:0.00} {m.RecallAtPrecision80,9:0.000}");

    private static string Recall(double? recall) => recall is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Ap(double? ap) => ap is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    /// <summary>"none" when no score is accepted (nothing was ever right).</summary>
    private static string Score(double? threshold) => threshold is { } t ? t.ToString("0.000", CultureInfo.InvariantCulture) : "none";

    private static string Clip(string name) => name.Length <= 18 ? name : name[..17] + "…";
}
