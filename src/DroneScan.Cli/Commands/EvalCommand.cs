using System.CommandLine;
using DroneScan.Cli.Eval;
using DroneScan.Core.Evaluation;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Evaluate;

namespace DroneScan.Cli.Commands;

/// <summary>
/// <c>dronescan eval --data DIR</c>: run the detector over a labelled YOLO dataset and measure it — COCO AP50 and
/// AP50:95, and the operating point an analyst lives with (precision, recall and false positives per megapixel
/// at the best-F1 threshold).
/// </summary>
internal static class EvalCommand
{
    /// <summary>
    /// The model runs with this score floor, not the detect default: AP integrates over every threshold, so
    /// low-scoring boxes must be in (Ultralytics validates at 0.001 too).
    /// </summary>
    public const double ScoreFloor = 0.001;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var data = new Option<string>("--data") { Description = "YOLO dataset folder holding images/ and labels/ (and data.yaml for class names)", HelpName = "DIR", Required = true };
        var model = new Option<string?>("--model") { Description = $"ONNX detection model (default: {DefaultModel.RelativePath})", HelpName = "FILE" };
        var conf = new Option<double?>("--conf") { Description = "Also report precision, recall and FP/MP at this score, and render at it (default: the best-F1 score)", HelpName = "S" };
        var json = new Option<bool>("--json") { Description = "One JSON object with the same numbers instead of a table" };
        var render = new Option<string?>("--render") { Description = "Write a PNG of each image with a miss (yellow) or a false detection (red); found objects green", HelpName = "DIR" };
        conf.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } v && !(v >= 0 && v <= 1))
            {
                r.AddError($"{conf.Name} must be in [0, 1], not {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        });

        var command = new Command("eval", "Measure a detection model on a labelled YOLO dataset: AP50, AP50:95, precision/recall at the best-F1 score, false positives per megapixel")
        {
            data, model, conf, json, render,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new EvalRequest(parse.GetValue(data)!, parse.GetValue(model), parse.GetValue(conf), parse.GetValue(json), parse.GetValue(render));
            return await RunAsync(request, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(EvalRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? modelPath = request.ModelPath ?? DefaultModel.Find();
        if (modelPath is null)
        {
            error.WriteLine($"no model: {DefaultModel.RelativePath} is not here; pass --model FILE");
            return 1;
        }

        OnnxDetector detector;
        try
        {
            detector = OnnxDetector.Load(modelPath);
        }
        catch (ModelLoadException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }

        using (detector)
        {
            YoloDataset dataset;
            try
            {
                dataset = YoloDataset.Open(request.DataDirectory, detector.Info.ClassNames);
            }
            catch (DatasetException ex)
            {
                error.WriteLine(ex.Message);
                return 1;
            }

            if (dataset.DataYamlPath is { } yaml && !dataset.ClassNames.SequenceEqual(detector.Info.ClassNames))
            {
                error.WriteLine($"warning: {yaml} names [{string.Join(", ", dataset.ClassNames)}] differ from the model's [{string.Join(", ", detector.Info.ClassNames)}]; classes are compared by index");
            }

            // GSD scaling off: dataset images carry no flight metadata, and labels are in the images' own pixels.
            double floor = Math.Min(ScoreFloor, request.Conf ?? 1);
            var options = new TiledDetectionOptions { MinScore = (float)floor, GsdScaling = false };
            var detections = await new DatasetDetection(new TiledDetector(detector, options)).RunAsync(dataset, cancellationToken).ConfigureAwait(false);
            foreach (var bad in detections.Unreadable)
            {
                error.WriteLine($"{bad.Source.ImagePath}: error: {bad.Error} (left out of the evaluation)");
            }

            var report = DetectionEvaluator.Evaluate([.. detections.Images.Select(i => i.Evaluation)], dataset.ClassNames, request.Conf);
            RenderSummary? rendered = null;
            if (request.RenderDirectory is { } renderDir)
            {
                double? threshold = request.Conf ?? report.Overall.BestF1.Threshold;
                var files = ErrorRenderer.Render(detections.Images, threshold, renderDir);
                rendered = new RenderSummary(renderDir, threshold, files.Count);
            }

            var run = new EvalRun(dataset, detector.Info, report, detections.Unreadable.Count, request.Conf, floor, rendered);
            if (request.Json)
            {
                EvalJsonReport.Write(output, run);
            }
            else
            {
                EvalTableReport.Write(output, run);
            }

            return detections.Unreadable.Count == 0 ? 0 : 1;
        }
    }

    private sealed record EvalRequest(string DataDirectory, string? ModelPath, double? Conf, bool Json, string? RenderDirectory);
}
