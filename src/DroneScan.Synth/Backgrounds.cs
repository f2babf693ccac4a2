using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;

namespace DroneScan.Synth;

/// <summary>A real photo used as ground, with its ground sample distance from DroneScan's own camera model.</summary>
public sealed record BackgroundPhoto(string Path, double GsdM);

/// <summary>Which photos a dataset split may draw its backgrounds from.</summary>
public enum DatasetSplit
{
    Train,
    Val,
    Test,
}

/// <summary>
/// Resolves background photos and splits them so that photos of validation and test sets never appear in
/// training sets. A source is <c>PATH</c> or <c>PATH=AGL</c> (a photo or a folder of JPEGs; AGL in metres for
/// photos that do not carry a height above ground). Each photo's GSD comes from <see cref="PhotoGeoreferencer"/>,
/// the same camera model the scan uses, so synthetic objects are drawn at the scale the detector will see.
/// </summary>
public static class Backgrounds
{
    public static (List<BackgroundPhoto> Photos, List<string> Problems) Resolve(IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var photos = new List<BackgroundPhoto>();
        var problems = new List<string>();
        foreach (var source in sources)
        {
            string path = source;
            double? agl = null;
            int eq = source.LastIndexOf('=');
            if (eq > 0 && double.TryParse(source[(eq + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double a))
            {
                (path, agl) = (source[..eq], a);
            }

            IEnumerable<string> files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
                : File.Exists(path) ? [path] : [];
            if (!files.Any())
            {
                problems.Add($"{path}: no JPEG photos here");
            }

            foreach (var file in files)
            {
                var photo = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(file), new GeoreferenceOptions { AltitudeAglM = agl });
                if (photo.Georeference?.CentreGsdM is { } gsd)
                {
                    photos.Add(new BackgroundPhoto(file, gsd));
                }
                else
                {
                    string why = photo.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error)?.Message ?? "no ground sample distance";
                    problems.Add($"{file}: skipped as a background: {why} (give the folder as PATH=AGL)");
                }
            }
        }

        return (photos, problems);
    }

    /// <summary>
    /// The photos of one split: photos are ordered by a hash of their file name (stable when photos are added
    /// elsewhere), then about 15 % go to validation, 15 % to test and the rest to training (at least one each;
    /// needs three photos).
    /// </summary>
    public static List<BackgroundPhoto> ForSplit(IReadOnlyList<BackgroundPhoto> photos, DatasetSplit split)
    {
        ArgumentNullException.ThrowIfNull(photos);
        if (photos.Count < 3)
        {
            throw new ArgumentException($"splitting backgrounds needs at least 3 photos, got {photos.Count}", nameof(photos));
        }

        var ordered = photos.OrderBy(p => Fnv1a(Path.GetFileName(p.Path))).ThenBy(p => p.Path, StringComparer.Ordinal).ToList();
        int val = Math.Max(1, (int)Math.Round(photos.Count * 0.15));
        int test = Math.Max(1, (int)Math.Round(photos.Count * 0.15));
        return split switch
        {
            DatasetSplit.Val => ordered.GetRange(0, val),
            DatasetSplit.Test => ordered.GetRange(val, test),
            _ => ordered.GetRange(val + test, photos.Count - val - test),
        };
    }

    internal static uint Fnv1a(string s)
    {
        uint h = 2166136261;
        foreach (char c in s)
        {
            h = (h ^ c) * 16777619;
        }

        return h;
    }
}
