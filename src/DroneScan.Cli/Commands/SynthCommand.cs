using System.CommandLine;
using System.Globalization;
using DroneScan.Synth;

namespace DroneScan.Cli.Commands;

/// <summary><c>dronescan synth dataset</c>: a YOLO-format training set of procedural mines and UXO drawn at
/// physical scale on real drone photos.</summary>
internal static class SynthCommand
{
    /// <summary>The licensed sample photos shipped in data-samples/, with the height they were flown at where the
    /// photo does not say (chosen to match the datasets' documented GSDs).</summary>
    internal static readonly string[] DefaultBackgrounds = ["data-samples/caliterra=55", "data-samples/garfield=109", "data-samples/seneca"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var outDir = new Option<string>("--out") { Description = "Output folder (images/, labels/, data.yaml, items.csv)", Required = true, HelpName = "DIR" };
        var count = new Option<int>("--count") { Description = "Number of images", DefaultValueFactory = _ => 100, HelpName = "N" };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same dataset", DefaultValueFactory = _ => 1, HelpName = "S" };
        var split = new Option<string>("--split") { Description = "Which background photos to draw on: train, val or test (never shared)", DefaultValueFactory = _ => "train" };
        split.AcceptOnlyFromAmong("train", "val", "test");
        var backgrounds = new Option<string[]>("--backgrounds") { Description = "Background photos or folders, each PATH or PATH=AGL_M (default: the CC0 photos in data-samples/)", AllowMultipleArgumentsPerToken = true, HelpName = "PATH[=AGL]" };
        var size = new Option<int>("--size") { Description = "Image size, pixels", DefaultValueFactory = _ => 640 };
        var gsdMin = new Option<double>("--gsd-min") { Description = "Smallest ground sample distance, metres per pixel", DefaultValueFactory = _ => 0.003 };
        var gsdMax = new Option<double>("--gsd-max") { Description = "Largest ground sample distance, metres per pixel", DefaultValueFactory = _ => 0.02 };
        CliChecks.AtLeast(count, 1);
        CliChecks.AtLeast(size, 64);
        CliChecks.InRange(gsdMin, 0.0005, 0.2);
        CliChecks.InRange(gsdMax, 0.0005, 0.2);

        var dataset = new Command("dataset", "Write a synthetic YOLO dataset (classes ap_mine, at_mine, uxo)")
        {
            outDir, count, seed, split, backgrounds, size, gsdMin, gsdMax,
        };
        dataset.Validators.Add(r =>
        {
            if (r.GetValue(gsdMin) > r.GetValue(gsdMax))
            {
                r.AddError("--gsd-min must not exceed --gsd-max");
            }
        });
        dataset.SetAction(parse =>
        {
            var sources = parse.GetValue(backgrounds) is { Length: > 0 } given ? given : DefaultBackgrounds.Select(FromRepo).ToArray();
            var (photos, problems) = Backgrounds.Resolve(sources);
            foreach (var p in problems)
            {
                error.WriteLine(p);
            }

            if (photos.Count < 3)
            {
                error.WriteLine($"need at least 3 usable background photos to keep splits apart, found {photos.Count}");
                return 1;
            }

            var options = new SynthOptions
            {
                Count = parse.GetValue(count),
                Seed = parse.GetValue(seed),
                Split = Enum.Parse<DatasetSplit>(parse.GetValue(split)!, ignoreCase: true),
                Size = parse.GetValue(size),
                MinGsdM = parse.GetValue(gsdMin),
                MaxGsdM = parse.GetValue(gsdMax),
            };
            var chosen = Backgrounds.ForSplit(photos, options.Split);
            string dir = parse.GetValue(outDir)!;
            var summary = SyntheticDataset.Write(chosen, options, dir, n =>
            {
                if (n % 100 == 0)
                {
                    output.WriteLine($"{n}/{options.Count} images");
                }
            });
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dir}: {summary.Images} images ({summary.EmptyImages} without targets), {summary.Objects} objects ({string.Join(", ", summary.ObjectsPerClass.Select(kv => $"{kv.Key} {kv.Value}"))}) on {chosen.Count} background photo(s) of split {options.Split.ToString().ToLowerInvariant()}"));
            return 0;
        });

        return new Command("synth", "Synthetic training data and demo flights") { dataset, SynthFlightCommand.Create(output, error) };
    }

    /// <summary>Resolves a data-samples/ path from the repository, wherever the command runs.</summary>
    internal static string FromRepo(string source) =>
        RepoFiles.FindUpwards("data-samples") is { } samples ? Path.Combine(Path.GetDirectoryName(samples)!, source) : source;
}
