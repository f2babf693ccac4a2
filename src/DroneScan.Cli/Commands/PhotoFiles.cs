namespace DroneScan.Cli.Commands;

/// <summary>Turns the paths on a command line into photo files: files as given, folders expanded to their
/// photo files in name order (recursively where asked).</summary>
internal static class PhotoFiles
{
    /// <summary>Files <c>inspect</c> reads metadata from.</summary>
    public static readonly string[] MetadataExtensions = [".jpg", ".jpeg", ".tif", ".tiff"];

    /// <summary>Files <c>detect</c> decodes.</summary>
    public static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".tif", ".tiff"];

    public static (List<string> Files, List<string> Missing) Expand(IEnumerable<string> paths, string[] extensions, bool recursive)
    {
        var files = new List<string>();
        var missing = new List<string>();
        var option = recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", option)
                    .Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                missing.Add(path);
            }
        }

        return (files, missing);
    }
}
