namespace DroneScan.Pipeline.Evaluate;

/// <summary>One image of a dataset and its labels (none when it has no label file: a background image).</summary>
public sealed record DatasetImage(string ImagePath, string RelativePath, string? LabelPath, IReadOnlyList<YoloLabel> Labels);

/// <summary>
/// A YOLO-format detection dataset in one folder: <c>images/</c> (JPEG, PNG, TIFF, searched recursively) and
/// <c>labels/</c> holding a <c>.txt</c> per image at the same relative path (<c>images/a/b.jpg</c> ↔
/// <c>labels/a/b.txt</c>), with the class names from <c>data.yaml</c> beside them or, without one, the model's.
/// Everything is read and checked when the dataset is opened, before any inference.
/// </summary>
public sealed record YoloDataset(string Directory, IReadOnlyList<string> ClassNames, string? DataYamlPath, IReadOnlyList<DatasetImage> Images)
{
    public static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".tif", ".tiff"];

    /// <summary>Opens a dataset; throws <see cref="DatasetException"/> naming the folder, file or line at fault.</summary>
    /// <param name="directory">The folder holding images/ and labels/ (a split such as val/, not the dataset root).</param>
    /// <param name="fallbackClassNames">Class names to use when there is no data.yaml (the model's).</param>
    /// <param name="anyClassId">Accept label class indices beyond the class names (a class-agnostic evaluation).</param>
    public static YoloDataset Open(string directory, IReadOnlyList<string> fallbackClassNames, bool anyClassId = false)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(fallbackClassNames);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DatasetException($"{directory}: no such folder");
        }

        string imagesDir = Path.Combine(directory, "images");
        string labelsDir = Path.Combine(directory, "labels");
        if (!IsDatasetFolder(directory))
        {
            throw new DatasetException($"{directory}: not a YOLO dataset folder: it needs images/ and labels/ inside it (for a dataset split into train/val/test, pass the split's folder)");
        }

        string dataYaml = Path.Combine(directory, "data.yaml");
        bool hasYaml = File.Exists(dataYaml);
        var names = hasYaml ? DataYaml.ParseNames(Read(dataYaml), dataYaml) : fallbackClassNames;

        var images = new List<DatasetImage>();
        var files = System.IO.Directory.EnumerateFiles(imagesDir, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(imagesDir, file);
            string labelPath = Path.Combine(labelsDir, Path.ChangeExtension(relative, ".txt"));
            bool labelled = File.Exists(labelPath);
            var labels = labelled ? YoloLabels.Parse(Read(labelPath), labelPath, anyClassId ? null : names) : [];
            images.Add(new DatasetImage(file, relative, labelled ? labelPath : null, labels));
        }

        if (images.Count == 0)
        {
            throw new DatasetException($"{imagesDir}: no images (JPEG, PNG or TIFF)");
        }

        return new YoloDataset(directory, names, hasYaml ? dataYaml : null, images);
    }

    /// <summary>Whether <paramref name="directory"/> holds images/ and labels/.</summary>
    public static bool IsDatasetFolder(string directory) =>
        System.IO.Directory.Exists(Path.Combine(directory, "images")) && System.IO.Directory.Exists(Path.Combine(directory, "labels"));

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: {ex.Message}", ex);
        }
    }
}
