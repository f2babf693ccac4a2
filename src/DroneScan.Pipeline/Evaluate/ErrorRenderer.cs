using DroneScan.Core.Evaluation;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Pipeline.Evaluate;

/// <summary>
/// Writes a copy of each image the detector got wrong at a score threshold, for a person to look at: objects
/// found framed green, objects missed yellow, false detections red. Copies are PNG (exact colours, no JPEG
/// smearing of 2-px frames) at the image's relative path under the output folder.
/// </summary>
public static class ErrorRenderer
{
    private static readonly Rgb24 Found = new(0, 255, 0);
    private static readonly Rgb24 Missed = new(255, 255, 0);
    private static readonly Rgb24 FalsePositive = new(255, 0, 0);

    /// <summary>Renders the images with a miss or a false detection at <paramref name="threshold"/> (null: no
    /// detection accepted); returns the files written.</summary>
    public static IReadOnlyList<string> Render(IEnumerable<EvaluatedImage> images, double? threshold, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(images);
        var written = new List<string>();
        foreach (var image in images)
        {
            var outcome = DetectionEvaluator.OutcomeAt(image.Evaluation, threshold);
            if (outcome.IsPerfect)
            {
                continue;
            }

            string path = Path.Combine(outputDirectory, Path.ChangeExtension(image.Source.RelativePath, ".png"));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var pixels = PhotoDecoder.LoadOriented(image.Source.ImagePath);
            Draw(pixels, outcome);
            pixels.SaveAsPng(path);
            written.Add(path);
        }

        return written;
    }

    /// <summary>Draws the outcome; false detections last, so they stay visible where they cross an object's frame.</summary>
    internal static void Draw(Image<Rgb24> image, ImageOutcome outcome)
    {
        // 2 px on small images, about 0.2 % of the short side on large photos (7 px on a 5472 × 3648 frame).
        int thickness = Math.Max(2, Math.Min(image.Width, image.Height) / 500);
        foreach (var g in outcome.Found)
        {
            BoxOutline.Draw(image, g.Box, Found, thickness);
        }

        foreach (var g in outcome.Missed)
        {
            BoxOutline.Draw(image, g.Box, Missed, thickness);
        }

        foreach (var d in outcome.FalsePositives)
        {
            BoxOutline.Draw(image, d.Box, FalsePositive, thickness);
        }
    }
}
