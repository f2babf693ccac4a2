using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DroneScan.Core.Photos;

namespace DroneScan.Detection;

/// <summary>Parses the metadata strings exporters write.</summary>
internal static partial class ModelMetadataParser
{
    /// <summary>Ultralytics writes <c>names</c> as a Python dict: <c>{0: 'ap_mine', 1: "uxo"}</c>.</summary>
    public static IReadOnlyList<string>? ParseNames(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var byIndex = new SortedDictionary<int, string>();
        foreach (Match m in NameEntry().Matches(text))
        {
            byIndex[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = m.Groups[3].Value;
        }

        if (byIndex.Count == 0 || byIndex.Keys.First() != 0 || byIndex.Keys.Last() != byIndex.Count - 1)
        {
            return null;
        }

        return [.. byIndex.Values];
    }

    /// <summary><c>imgsz</c>: "[640, 640]" or "640".</summary>
    public static int? ParseImageSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var numbers = Number().Matches(text).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        return numbers.Count > 0 && numbers.All(n => n == numbers[0]) && numbers[0] > 0 ? numbers[0] : null;
    }

    public static int? ParseInt(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    public static double? ParseDouble(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0 ? v : null;

    /// <summary>
    /// <c>dronescan.sensor</c> (<c>rgb</c> or <c>thermal</c>, any case): null when the key is absent (a model made
    /// before the key existed; the caller assumes RGB). Throws <see cref="FormatException"/> naming the key and the
    /// value when it is something else: model choice depends on it, so it is never silently ignored.
    /// </summary>
    public static ImageSensor? ParseSensor(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return text.Trim().ToLowerInvariant() switch
        {
            "rgb" => ImageSensor.Rgb,
            "thermal" => ImageSensor.Thermal,
            _ => throw new FormatException($"metadata 'dronescan.sensor' must be 'rgb' or 'thermal', not '{text}'"),
        };
    }

    /// <summary><c>dronescan.bands</c>: the band of each input channel, comma-separated (<c>red,green,blue</c>;
    /// <c>lwir,lwir,lwir</c> for one thermal band in three channels). Empty when absent or blank (descriptive).</summary>
    public static IReadOnlyList<string> ParseBands(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(b => b.ToLowerInvariant())];

    /// <summary>
    /// A number a model's behaviour depends on (a threshold, a chip size): null when the key is absent; throws
    /// <see cref="FormatException"/> saying the key, the range and the value when it is there but not a finite number
    /// in [<paramref name="min"/>, <paramref name="max"/>] (above <paramref name="min"/> when <paramref name="minExclusive"/>).
    /// Unlike descriptive metadata, such a value is never silently ignored.
    /// </summary>
    public static double? ParseNumber(string? text, string key, double min, double max, bool minExclusive = false)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            && (minExclusive ? v > min : v >= min) && v <= max)
        {
            return v;
        }

        string range = string.Create(CultureInfo.InvariantCulture, $"{(minExclusive ? "(" : "[")}{min}, {max}]");
        throw new FormatException($"metadata '{key}' must be a number in {range}, not '{text}'");
    }

    /// <summary><c>dronescan.classes</c>: JSON object, class name → array of item types.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseItemTypes(string? json)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return result;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Array)
                {
                    result[p.Name] = [.. p.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
                }
            }
        }
        catch (JsonException)
        {
            // Descriptive metadata only: a malformed value leaves the item types empty.
        }

        return result;
    }

    [GeneratedRegex(@"(\d+)\s*:\s*(['""])(.*?)\2")]
    private static partial Regex NameEntry();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
