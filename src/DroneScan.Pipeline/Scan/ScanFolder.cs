namespace DroneScan.Pipeline.Scan;

/// <summary>The files of a flight folder: photos by extension, and everything else (listed, not read).</summary>
/// <param name="Root">Absolute folder.</param>
/// <param name="Photos">Photo paths relative to <paramref name="Root"/>, '/'-separated, in ordinal order.</param>
/// <param name="Others">Other files, likewise.</param>
public sealed record ScanFolder(string Root, IReadOnlyList<string> Photos, IReadOnlyList<string> Others)
{
    /// <summary>Extensions read as photos (what the decoder accepts).</summary>
    public static IReadOnlyList<string> PhotoExtensions { get; } = [".jpg", ".jpeg", ".png", ".tif", ".tiff"];

    /// <summary>Photo files (by extension) that are hidden or lie in a hidden folder (a name starting with '.', such as
    /// macOS's <c>._DJI_0001.JPG</c> resource forks or <c>.thumbnails/</c>): not read, but reported, so that no photo
    /// of the folder disappears silently. Relative and sorted like <see cref="Photos"/>.</summary>
    public IReadOnlyList<string> Hidden { get; init; } = [];

    /// <summary>Lists a folder recursively. Hidden files and folders (names starting with '.') are not read: hidden
    /// photo files go to <see cref="Hidden"/>, other hidden files are left out.</summary>
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
        var hidden = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            bool isPhoto = IsPhotoName(file);
            if (relative.Split('/').Any(part => part.StartsWith('.')))
            {
                if (isPhoto)
                {
                    hidden.Add(relative);
                }

                continue;
            }

            (isPhoto ? photos : others).Add(relative);
        }

        photos.Sort(StringComparer.Ordinal);
        others.Sort(StringComparer.Ordinal);
        hidden.Sort(StringComparer.Ordinal);
        return new ScanFolder(root, photos, others) { Hidden = hidden };
    }

    /// <summary>True when the name ends in a photo extension. "..jpg" counts: its extension is ".jpg" (it is also hidden).</summary>
    private static bool IsPhotoName(string file) =>
        PhotoExtensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The absolute path of a listed file.</summary>
    public string FullPath(string relative) => Path.Combine(Root, relative);
}
