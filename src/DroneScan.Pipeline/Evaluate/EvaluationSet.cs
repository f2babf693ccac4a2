namespace DroneScan.Pipeline.Evaluate;

/// <summary>A named part of an evaluation set (one flight, or the whole set) and its YOLO dataset.</summary>
public sealed record DatasetGroup(string Name, YoloDataset Dataset);

/// <summary>
/// What an evaluation runs over: one YOLO dataset folder (images/ and labels/), or a folder of flights, each of its
/// subfolders one YOLO dataset folder (<c>pfm1-binghamton/Phan4_200316_F02/{images,labels}</c>, one level down).
/// A flight's image paths are relative to the folder of flights (they start with the flight's name), so images of
/// different flights stay apart in reports and rendered error images.
/// </summary>
/// <param name="Directory">The folder given.</param>
/// <param name="IsFlights">Whether it is a folder of flights (each flight a group) rather than one dataset.</param>
/// <param name="Groups">The flights, in name order or the order they were asked for; or the one dataset.</param>
public sealed record EvaluationSet(string Directory, bool IsFlights, IReadOnlyList<DatasetGroup> Groups)
{
    /// <summary>
    /// Opens a dataset or a folder of flights; throws <see cref="DatasetException"/> naming the folder, file or
    /// line at fault. Every flight is read and checked before any inference.
    /// </summary>
    /// <param name="directory">A YOLO dataset folder, or a folder whose subfolders are.</param>
    /// <param name="fallbackClassNames">Class names for a dataset without a data.yaml (the model's).</param>
    /// <param name="flights">Only these subfolders of a folder of flights (null or empty: all of them).</param>
    /// <param name="anyClassId">Accept any label class index (a class-agnostic evaluation).</param>
    public static EvaluationSet Open(string directory, IReadOnlyList<string> fallbackClassNames, IReadOnlyList<string>? flights = null, bool anyClassId = false)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DatasetException($"{directory}: no such folder");
        }

        bool pick = flights is { Count: > 0 };
        if (YoloDataset.IsDatasetFolder(directory))
        {
            if (pick)
            {
                throw new DatasetException($"{directory}: one dataset (it holds images/ and labels/), not a folder of flights to pick {string.Join(", ", flights!)} from");
            }

            var dataset = YoloDataset.Open(directory, fallbackClassNames, anyClassId);
            return new EvaluationSet(directory, false, [new DatasetGroup(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), dataset)]);
        }

        var available = System.IO.Directory.EnumerateDirectories(directory)
            .Where(YoloDataset.IsDatasetFolder)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        if (available.Count == 0)
        {
            throw new DatasetException($"{directory}: not a YOLO dataset folder: it needs images/ and labels/ inside it, or subfolders (flights) that have them (for a dataset split into train/val/test, pass the split's folder)");
        }

        var names = pick ? flights!.Distinct(StringComparer.Ordinal).ToList() : available;
        foreach (string name in names)
        {
            if (!available.Contains(name, StringComparer.Ordinal))
            {
                throw new DatasetException($"{Path.Combine(directory, name)}: no such flight (a subfolder with images/ and labels/); the flights here are {string.Join(", ", available)}");
            }
        }

        var groups = names.Select(name =>
        {
            var dataset = YoloDataset.Open(Path.Combine(directory, name), fallbackClassNames, anyClassId);
            return new DatasetGroup(name, dataset with { Images = [.. dataset.Images.Select(i => i with { RelativePath = Path.Combine(name, i.RelativePath) })] });
        });
        return new EvaluationSet(directory, true, [.. groups]);
    }
}
