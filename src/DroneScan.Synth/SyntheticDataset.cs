using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;

namespace DroneScan.Synth;

/// <summary>What was written.</summary>
public sealed record SynthSummary(int Images, int Objects, int EmptyImages, IReadOnlyDictionary<string, int> ObjectsPerClass, IReadOnlyList<string> Backgrounds);

/// <summary>
/// Writes a YOLO-format dataset: <c>images/</c>, <c>labels/</c> (<c>class cx cy w h</c>, normalised),
/// <c>data.yaml</c> with the class names, and <c>items.csv</c> with each object's item type, physical size,
/// GSD and visibility for analysis. Image <c>i</c> depends only on the seed, <c>i</c> and its background, so the
/// output is the same byte for byte whatever the thread count.
/// </summary>
public static class SyntheticDataset
{
    public static SynthSummary Write(IReadOnlyList<BackgroundPhoto> backgrounds, SynthOptions options, string outputDirectory, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(backgrounds);
        ArgumentNullException.ThrowIfNull(options);
        if (backgrounds.Count == 0)
        {
            throw new ArgumentException("no background photos", nameof(backgrounds));
        }

        string images = Path.Combine(outputDirectory, "images"), labels = Path.Combine(outputDirectory, "labels");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(labels);
        string prefix = options.Split.ToString().ToLowerInvariant();
        var rows = new ConcurrentBag<(int Index, string Line)>();
        int done = 0, empty = 0;

        // Group images by background so each photo is decoded once; groups run in parallel.
        var groups = Enumerable.Range(0, options.Count).GroupBy(i => i % backgrounds.Count).ToList();
        Parallel.ForEach(groups, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, group =>
        {
            var photo = backgrounds[group.Key];
            using var background = PhotoDecoder.LoadOriented(photo.Path);
            foreach (int i in group)
            {
                var rng = new Random(unchecked((options.Seed * 1_000_003) + i));
                var scene = SceneComposer.Compose(background, photo.GsdM, options, rng);
                string name = $"{prefix}_{i:000000}";
                using (scene.Image)
                {
                    scene.Image.SaveAsJpeg(Path.Combine(images, name + ".jpg"), new JpegEncoder { Quality = scene.JpegQuality });
                }

                File.WriteAllText(Path.Combine(labels, name + ".txt"), LabelText(scene, options.Size));
                foreach (var o in scene.Objects)
                {
                    rows.Add((i, string.Create(CultureInfo.InvariantCulture, $"{name},{o.ClassName},{o.Item},{o.LengthCm:0.0},{o.WidthCm:0.0},{o.GsdM:0.00000},{o.X2 - o.X1:0},{o.Y2 - o.Y1:0},{o.VisibleFraction:0.00},{(o.Buried ? 1 : 0)},{Path.GetFileName(photo.Path)}")));
                }

                if (scene.Objects.Count == 0)
                {
                    Interlocked.Increment(ref empty);
                }

                progress?.Invoke(Interlocked.Increment(ref done));
            }
        });

        var sorted = rows.OrderBy(r => r.Index).ThenBy(r => r.Line, StringComparer.Ordinal).Select(r => r.Line).ToList();
        File.WriteAllLines(Path.Combine(outputDirectory, "items.csv"), ["image,class,item,length_cm,width_cm,gsd_m,box_w_px,box_h_px,visible_fraction,buried,background", .. sorted]);
        File.WriteAllText(Path.Combine(outputDirectory, "data.yaml"), DataYaml(options));
        var perClass = Catalogue.ClassNames.ToDictionary(c => c, c => sorted.Count(l => l.Split(',')[1] == c));
        return new SynthSummary(options.Count, sorted.Count, empty, perClass, [.. backgrounds.Select(b => b.Path)]);
    }

    internal static string LabelText(ComposedScene scene, int size)
    {
        var sb = new StringBuilder();
        foreach (var o in scene.Objects)
        {
            int cls = Array.IndexOf(Catalogue.ClassNames, o.ClassName);
            double cx = (o.X1 + o.X2) / 2 / size, cy = (o.Y1 + o.Y2) / 2 / size, w = (o.X2 - o.X1) / size, h = (o.Y2 - o.Y1) / size;
            sb.Append(CultureInfo.InvariantCulture, $"{cls} {cx:0.000000} {cy:0.000000} {w:0.000000} {h:0.000000}\n");
        }

        return sb.ToString();
    }

    private static string DataYaml(SynthOptions o) => string.Create(CultureInfo.InvariantCulture, $"""
        # DroneScan synthetic dataset: split {o.Split.ToString().ToLowerInvariant()}, seed {o.Seed}, {o.Count} images of {o.Size} px, GSD {o.MinGsdM * 100:0.##}–{o.MaxGsdM * 100:0.##} cm/px
        path: .
        train: images
        val: images
        names: [{string.Join(", ", Catalogue.ClassNames)}]

        """);
}
