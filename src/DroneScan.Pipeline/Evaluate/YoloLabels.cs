using System.Globalization;
using DroneScan.Core.Detection;
using DroneScan.Core.Evaluation;

namespace DroneScan.Pipeline.Evaluate;

/// <summary>One line of a YOLO label file: class index and box centre and size as fractions of the image size.</summary>
public sealed record YoloLabel(int ClassId, double CentreX, double CentreY, double Width, double Height)
{
    /// <summary>The box in pixels of an upright image of this size, clipped to the image.</summary>
    public GroundTruthBox ToPixels(int imageWidth, int imageHeight)
    {
        var box = PixelBox.FromCentre(CentreX * imageWidth, CentreY * imageHeight, Width * imageWidth, Height * imageHeight);
        return new GroundTruthBox(ClassId, new PixelBox(
            Math.Clamp(box.X1, 0, imageWidth), Math.Clamp(box.Y1, 0, imageHeight), Math.Clamp(box.X2, 0, imageWidth), Math.Clamp(box.Y2, 0, imageHeight)));
    }
}

/// <summary>
/// Reads YOLO (Ultralytics) detection label files: one object per line, <c>class cx cy w h</c>, separated by
/// spaces, coordinates normalised to 0–1 of the upright image; blank lines are ignored. Anything else is refused
/// with the file and line, since a silently skipped label would make the detector look better than it is.
/// </summary>
public static class YoloLabels
{
    /// <summary>Coordinates this far outside 0–1 are still accepted (exporters round), then clipped.</summary>
    private const double RoundingSlack = 1e-6;

    private static readonly string[] Fields = ["cx", "cy", "w", "h"];

    /// <param name="text">The file's content.</param>
    /// <param name="file">The file's path, for messages.</param>
    /// <param name="classNames">The dataset's classes; a class index must be one of them. Null accepts any class
    /// index (a class-agnostic evaluation, where classes are not compared).</param>
    public static IReadOnlyList<YoloLabel> Parse(string text, string file, IReadOnlyList<string>? classNames)
    {
        ArgumentNullException.ThrowIfNull(text);
        var labels = new List<YoloLabel>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string[] parts = lines[i].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            int line = i + 1;
            if (parts.Length != 5)
            {
                string hint = parts.Length > 5 && parts.Length % 2 == 1 ? " (polygon segmentation labels are not supported)" : "";
                throw DatasetException.At(file, line, $"expected 'class cx cy w h' (5 fields), found {parts.Length}{hint}");
            }

            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int classId))
            {
                throw DatasetException.At(file, line, $"class '{parts[0]}' is not a class index (a whole number from 0)");
            }

            if (classNames is not null && classId >= classNames.Count)
            {
                throw DatasetException.At(file, line, $"class {classId} is not one of the {classNames.Count} classes (0–{classNames.Count - 1}: {string.Join(", ", classNames)})");
            }

            var v = new double[4];
            for (int f = 0; f < 4; f++)
            {
                string s = parts[f + 1];
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v[f]) || !double.IsFinite(v[f]))
                {
                    throw DatasetException.At(file, line, $"{Fields[f]} '{s}' is not a number");
                }

                if (v[f] < -RoundingSlack || v[f] > 1 + RoundingSlack)
                {
                    throw DatasetException.At(file, line, $"{Fields[f]} {s} is outside 0–1 (YOLO coordinates are fractions of the image size)");
                }
            }

            if (!(v[2] > 0 && v[3] > 0))
            {
                throw DatasetException.At(file, line, $"the box has no area (w {parts[3]}, h {parts[4]})");
            }

            labels.Add(new YoloLabel(classId, v[0], v[1], v[2], v[3]));
        }

        return labels;
    }
}
