using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DroneScan.Core.Evaluation;
using DroneScan.Detection;
using DroneScan.Pipeline.Evaluate;

namespace DroneScan.Cli.Eval;

/// <summary>Where error images were written, at which score threshold (null: none accepted), and how many.</summary>
internal sealed record RenderSummary(string Directory, double? Threshold, int Images);

/// <summary>Everything one <c>eval</c> run reports.</summary>
internal sealed record EvalRun(YoloDataset Dataset, ModelInfo Model, EvaluationReport Report, int Unreadable, double? Conf, double ScoreFloor, RenderSummary? Rendered);

/// <summary>
/// One JSON object for the whole run:
/// <c>{"data", "model": {"name", "version", "sha256"}, "images", "unreadable", "megapixels", "iou", "scoreFloor",
/// "conf", "overall": METRICS, "classes": [{"id", "name", METRICS…}], "rendered"}</c> where METRICS is
/// <c>"truth", "detections", "ap50", "ap50To95", "bestF1": POINT, "recallAtPrecision80", "atPrecision80": POINT|null,
/// "atConf": POINT</c> (only with --conf) and POINT is <c>{"threshold", "precision", "recall", "f1", "tp", "fp", "fn",
/// "fpPerMegapixel"}</c>. AP is null for a class with nothing to find; overall AP is the mean over the classes
/// with objects, overall operating points pool the classes under one threshold.
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
            w.WriteString("data", run.Dataset.Directory);
            w.WriteStartObject("model");
            w.WriteString("name", run.Model.Name);
            w.WriteString("version", run.Model.Version);
            w.WriteString("sha256", run.Model.Sha256);
            w.WriteEndObject();
            w.WriteNumber("images", r.Images);
            w.WriteNumber("unreadable", run.Unreadable);
            w.WriteNumber("megapixels", Math.Round(r.Megapixels, 6));
            w.WriteNumber("iou", DetectionEvaluator.MatchIoU);
            w.WriteNumber("scoreFloor", run.ScoreFloor);
            WriteNullable(w, "conf", run.Conf);
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

/// <summary>For people: a row per class and an overall row, then what the numbers mean.</summary>
internal static class EvalTableReport
{
    private const string Header = "class              objects  boxes   AP50  AP50:95   score  precision  recall     F1    FP/MP  R@P>=0.8";

    public static void Write(TextWriter output, EvalRun run)
    {
        var c = CultureInfo.InvariantCulture;
        var r = run.Report;
        output.WriteLine(string.Create(c, $"{run.Dataset.Directory}: {r.Images} image(s) ({run.Unreadable} unreadable), {r.Megapixels:0.##} MP, {r.Overall.Truth} object(s), {r.Overall.Detections} box(es) scoring >= {run.ScoreFloor:0.###}; model {run.Model.Name} {run.Model.Version}"));
        output.WriteLine();
        output.WriteLine("At the best-F1 score (IoU 0.5):");
        output.WriteLine(Header);
        foreach (var cls in r.Classes)
        {
            output.WriteLine(Row(cls.Name, cls.Metrics, cls.Metrics.BestF1));
        }

        output.WriteLine(Row("overall", r.Overall, r.Overall.BestF1));
        output.WriteLine("AP: COCO 101-point interpolated; overall AP is the mean over classes with objects. Score: each class's own");
        output.WriteLine("best-F1 score; overall: one score for all classes. FP/MP: false detections per megapixel at that score.");
        if (run.Conf is { } conf)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"At --conf {conf:0.###}:"));
            output.WriteLine(Header);
            foreach (var cls in r.Classes)
            {
                output.WriteLine(Row(cls.Name, cls.Metrics, cls.Metrics.AtThreshold!));
            }

            output.WriteLine(Row("overall", r.Overall, r.Overall.AtThreshold!));
        }

        if (run.Rendered is { } rendered)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"{rendered.Images} image(s) with a miss (yellow) or a false detection (red) at score {Score(rendered.Threshold)} written to {rendered.Directory}"));
        }

        output.Flush();
    }

    private static string Row(string name, DetectionMetrics m, OperatingPoint p) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Clip(name),-18} {m.Truth,7} {m.Detections,6} {Ap(m.Ap50),6} {Ap(m.Ap50To95),8} {Score(p.Threshold),7} {p.Precision,10:0.000} {p.Recall,7:0.000} {p.F1,6:0.000} {p.FalsePositivesPerMegapixel,8:0.00} {m.RecallAtPrecision80,9:0.000}");

    private static string Ap(double? ap) => ap is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    /// <summary>"none" when no score is accepted (nothing was ever right).</summary>
    private static string Score(double? threshold) => threshold is { } t ? t.ToString("0.000", CultureInfo.InvariantCulture) : "none";

    private static string Clip(string name) => name.Length <= 18 ? name : name[..17] + "…";
}
