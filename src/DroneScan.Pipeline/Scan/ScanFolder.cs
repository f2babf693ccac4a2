namespace DroneScan.Pipeline.Scan;

/// <summary>The files of a flight folder: photos by extension, and everything else (listed, not read).</summary>
/// <param name="Root">Absolute folder.</param>
/// <param name="Photos">Photo paths relative to <paramref name="Root"/>, '/'-separated, in ordinal order.</param>
/// <param name="Others">Other files, likewise.</param>
public sealed record ScanFolder(string Root, IReadOnlyList<string> Photos, IReadOnlyList<string> Others)
{
    /// <summary>Extensions read as photos (what the decoder accepts).</summary>
    public static IReadOnlyList<string> PhotoExtensions { get; } = [".jpg", ".jpeg", ".png", ".tif", ".tiff"];

    /// <summary>Lists a folder recursively. Hidden files and folders (names starting with '.') are left out.</summary>
    /// <exception cref="ScanException">The folder does not exist.</exception>
    public static ScanFolder List(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new ScanException($"{folder}: no such folder");
        }

        var photos = new List<string>();
        var others = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Split('/').Any(part => part.StartsWith('.')))
            {
                continue;
            }

            (PhotoExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase) ? photos : others).Add(relative);
        }

        photos.Sort(StringComparer.Ordinal);
        others.Sort(StringComparer.Ordinal);
        return new ScanFolder(root, photos, others);
    }

    /// <summary>The absolute path of a listed file.</summary>
    public string FullPath(string relative) => Path.Combine(Root, relative);
}
