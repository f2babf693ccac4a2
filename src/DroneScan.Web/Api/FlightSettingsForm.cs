using System.Globalization;
using DroneScan.Core.Flights;
using DroneScan.Imaging.Terrain;

namespace DroneScan.Web.Api;

/// <summary>
/// The processing settings of an upload's form fields (<c>agl_m</c>, <c>ground_elevation_m</c>, <c>sensor_width_mm</c>,
/// <c>focal_px</c>, <c>gps_sigma_m</c>, <c>conf</c>, <c>model</c>), checked at the boundary: an empty field is the
/// service's default; a bad one is refused naming the field, its value and what it accepts.
/// </summary>
public static class FlightSettingsForm
{
    /// <summary>The field names, as the form and <c>POST /api/flights</c> send them.</summary>
    public static readonly IReadOnlyList<string> FieldNames = ["agl_m", "ground_elevation_m", "sensor_width_mm", "focal_px", "gps_sigma_m", "conf", "model", "dem_datum", "altitude_datum"];

    /// <summary>The settings the fields give.</summary>
    /// <param name="fields">The upload's form fields (other fields are ignored).</param>
    /// <param name="models">The models this service runs: <c>model</c> accepts <c>auto</c> (each photo the model of its
    /// sensor) or one of their names.</param>
    /// <exception cref="FormatException">A field that is not a number, is out of its range, or names no model of the service.</exception>
    public static FlightSettings Parse(IReadOnlyDictionary<string, string> fields, Jobs.ServiceModels models)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(models);
        string model = Text(fields, "model") ?? Jobs.ServiceModels.Auto;
        string canonical = models.Canonical(model)
            ?? throw new FormatException($"model '{model}': use {string.Join(", ", models.SettingValues)} (auto: each photo the model of its sensor; the others: the models this service runs)");

        return new FlightSettings
        {
            AglM = Number(fields, "agl_m", 0, 2000, "the camera's height above the ground in metres, more than 0 and at most 2000"),
            GroundElevationM = Number(fields, "ground_elevation_m", -500, 9000, "the ground's elevation above sea level in metres, -500 to 9000", allowLow: true),
            SensorWidthMm = Number(fields, "sensor_width_mm", 0, 100, "the camera sensor's width in millimetres, more than 0 and at most 100"),
            FocalPx = Number(fields, "focal_px", 0, 100_000, "the focal length in pixels, more than 0 and at most 100000"),
            GpsSigmaM = Number(fields, "gps_sigma_m", 0, 1000, "the GPS position error (1 sigma) in metres, more than 0 and at most 1000"),
            Conf = Number(fields, "conf", 0, 1, "the detector's score threshold, more than 0 and at most 1"),
            Model = canonical,
            DemDatum = Datum(fields, "dem_datum"),
            AltitudeDatum = Datum(fields, "altitude_datum"),
        };
    }

    private static string? Datum(IReadOnlyDictionary<string, string> fields, string key) => Text(fields, key) is not { } text
        ? null
        : DemRequest.ParseDatum(text) is { } datum
            ? datum.ToString().ToLowerInvariant()
            : throw new FormatException($"{key} '{text}': give egm2008, egm96 or ellipsoid");

    private static string? Text(IReadOnlyDictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    // (low, high]; with allowLow [low, high]. Invariant culture: "60.5", never "60,5".
    private static double? Number(IReadOnlyDictionary<string, string> fields, string key, double low, double high, string accepts, bool allowLow = false)
    {
        if (Text(fields, key) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            && double.IsFinite(value) && (allowLow ? value >= low : value > low) && value <= high
            ? value
            : throw new FormatException($"{key} '{text}': give {accepts}");
    }
}
