using System.CommandLine;
using DroneScan.Cli.Eval;
using DroneScan.Core.Evaluation;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Evaluate;

namespace DroneScan.Cli.Commands;

/// <summary>
/// <c>dronescan eval --data DIR</c>: run the detector over a labelled YOLO dataset, or a folder of flights each a YOLO
/// dataset, and measure it — COCO AP50 and AP50:95, the operating point an analyst lives with (precision, recall and
/// false positives per megapixel at the best-F1 threshold), and the false boxes per megapixel on object-free images.
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
        var data = new Option<string>("--data") { Description = "YOLO dataset folder holding images/ and labels/ (and data.yaml for class names), or a folder of such folders, one per flight", HelpName = "DIR", Required = true };
        var flights = new Option<string[]>("--flights") { Description = "With a folder of flights: only these subfolders", HelpName = "NAME", AllowMultipleArgumentsPerToken = true };
        var model = new Option<string?>("--model") { Description = $"ONNX detection model file, or a shipped model's name (e.g. dronescan-rgb-pfm1) (default: {DefaultModel.RelativePath})", HelpName = "FILE|NAME" };
        var conf = new Option<double?>("--conf") { Description = "Also report precision, recall and FP/MP at this score, and render at it (default: the best-F1 score)", HelpName = "S" };
        var agnostic = new Option<bool>("--agnostic") { Description = "Class-agnostic: every object and detection is one class, 'object' (is something there, whatever it is)" };
        var json = new Option<bool>("--json") { Description = "One JSON object with the same numbers instead of a table" };
        var proposal = new Option<string?>("--proposal-score") { Description = "Two-stage models: the stage-1 score of the boxes the verifier checks; 'model' takes the model's own (dronescan.proposal_score, what detect and scan use). Default: the score floor, so every stage-1 box is verified", HelpName = "S|model" };
        var sweep = new Option<double[]>("--sweep") { Description = "Also report recall, precision and false boxes per megapixel (all images, and object-free images) at each of these scores, from the same detections: for choosing a default threshold", HelpName = "S", AllowMultipleArgumentsPerToken = true };
        var render = new Option<string?>("--render") { Description = "Write a PNG of each image with a miss (yellow) or a false detection (red); found objects green", HelpName = "DIR" };
        conf.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } v && !(v >= 0 && v <= 1))
            {
                r.AddError($"{conf.Name} must be in [0, 1], not {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        });
        sweep.Validators.Add(r =>
        {
            foreach (double v in r.GetValueOrDefault<double[]>() ?? [])
            {
                if (!(v >= 0 && v <= 1))
                {
                    r.AddError($"{sweep.Name} scores must be in [0, 1], not {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                }
            }
        });
        proposal.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } v && v != "model"
                && !(double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double p) && p >= 0 && p <= 1))
            {
                r.AddError($"{proposal.Name} must be a score in [0, 1] or 'model', not '{v}'");
            }
        });

        var command = new Command("eval", "Measure a detection model on a labelled YOLO dataset or a folder of flights: AP50, AP50:95, precision/recall at the best-F1 score, false positives per megapixel")
        {
            data, flights, model, conf, agnostic, json, render, proposal, sweep,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new EvalRequest(
                parse.GetValue(data)!, parse.GetValue(flights) ?? [], parse.GetValue(model), parse.GetValue(conf), parse.GetValue(agnostic), parse.GetValue(json), parse.GetValue(render))
            {
                ProposalScore = parse.GetValue(proposal),
                Sweep = parse.GetValue(sweep) ?? [],
            };
            return await RunAsync(request, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(EvalRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? modelPath = request.ModelPath is { } named ? DefaultModel.Resolve(named) : DefaultModel.Find();
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
            EvaluationSet set;
            try
            {
                set = EvaluationSet.Open(request.DataDirectory, detector.Info.ClassNames, request.Flights, anyClassId: request.Agnostic);
            }
            catch (DatasetException ex)
            {
                error.WriteLine(ex.Message);
                return 1;
            }

            IReadOnlyList<string> classNames = request.Agnostic ? [EvaluationImage.AgnosticClassName] : ClassNames(set, detector.Info, error);

            // GSD scaling off: dataset images carry no flight metadata, and labels are in the images' own pixels.
            // One detector for every flight: the model runs once per image.
            double floor = Math.Min(ScoreFloor, Math.Min(request.Conf ?? 1, request.Sweep.DefaultIfEmpty(1).Min()));
            float? proposalScore = request.ProposalScore switch
            {
                null => null,
                "model" => detector.Info.ProposalScore,
                var v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture),
            };
            var options = new TiledDetectionOptions { MinScore = (float)floor, GsdScaling = false, ProposalScore = proposalScore };
            var detection = new DatasetDetection(new TiledDetector(detector, options));
            var groups = new List<(DatasetGroup Group, DatasetDetections Detections)>();
            foreach (var group in set.Groups)
            {
                var detections = await detection.RunAsync(group.Dataset, cancellationToken).ConfigureAwait(false);
                foreach (var bad in detections.Unreadable)
                {
                    error.WriteLine($"{bad.Source.ImagePath}: error: {bad.Error} (left out of the evaluation)");
                }

                groups.Add((group, detections));
            }

            List<EvaluationGroup> evaluationGroups = [.. groups.Select(g => new EvaluationGroup(g.Group.Name, [.. g.Detections.Images.Select(i => i.Evaluation)]))];
            var report = GroupedEvaluator.Evaluate(evaluationGroups, classNames, request.Conf, request.Agnostic);
            var swept = GroupedEvaluator.Sweep(evaluationGroups, classNames, request.Sweep, request.Agnostic);
            RenderSummary? rendered = null;
            if (request.RenderDirectory is { } renderDir)
            {
                double? threshold = request.Conf ?? report.Overall.Overall.BestF1.Threshold;
                var images = groups.SelectMany(g => g.Detections.Images);
                var files = ErrorRenderer.Render(request.Agnostic ? images.Select(i => i with { Evaluation = i.Evaluation.ClassAgnostic() }) : images, threshold, renderDir);
                rendered = new RenderSummary(renderDir, threshold, files.Count);
            }

            int unreadable = groups.Sum(g => g.Detections.Unreadable.Count);
            var run = new EvalRun(set, detector.Info, report, [.. groups.Select(g => g.Detections.Unreadable.Count)], request.Conf, floor, rendered) { Sweep = swept };
            if (request.Json)
            {
                EvalJsonReport.Write(output, run);
            }
            else
            {
                EvalTableReport.Write(output, run);
            }

            return unreadable == 0 ? 0 : 1;
        }
    }

    /// <summary>The classes the report names: a data.yaml's (the first flight's, when flights have their own), else
    /// the model's; warns where a data.yaml or a flight differs, since classes are compared by index.</summary>
    private static IReadOnlyList<string> ClassNames(EvaluationSet set, ModelInfo model, TextWriter error)
    {
        var names = set.Groups[0].Dataset.ClassNames;
        foreach (var group in set.Groups)
        {
            var dataset = group.Dataset;
            if (dataset.DataYamlPath is { } yaml && !dataset.ClassNames.SequenceEqual(model.ClassNames))
            {
                error.WriteLine($"warning: {yaml} names [{string.Join(", ", dataset.ClassNames)}] differ from the model's [{string.Join(", ", model.ClassNames)}]; classes are compared by index");
            }

            if (!dataset.ClassNames.SequenceEqual(names))
            {
                error.WriteLine($"warning: {group.Name} names its classes [{string.Join(", ", dataset.ClassNames)}], the first flight [{string.Join(", ", names)}]; the report uses the first flight's names");
            }
        }

        return names;
    }

    private sealed record EvalRequest(string DataDirectory, string[] Flights, string? ModelPath, double? Conf, bool Agnostic, bool Json, string? RenderDirectory)
    {
        /// <summary>A score in [0, 1] (validated), "model", or null.</summary>
        public string? ProposalScore { get; init; }

        /// <summary>Scores of the threshold sweep (--sweep), in [0, 1] (validated); empty: none.</summary>
        public double[] Sweep { get; init; } = [];
    }
}
