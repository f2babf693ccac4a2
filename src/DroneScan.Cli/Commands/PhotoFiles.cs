namespace DroneScan.Cli.Commands;

/// <summary>Turns the paths on a command line into photo files: files as given, folders expanded (not
/// recursively) to their JPEG and TIFF files in name order.</summary>
internal static class PhotoFiles
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".tif", ".tiff"];

    public static (List<string> Files, List<string> Missing) Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var missing = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
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
