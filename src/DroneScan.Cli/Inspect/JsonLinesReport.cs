using System.Text.Encodings.Web;
using System.Text.Json;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Photos;
using NetTopologySuite.IO.Converters;

namespace DroneScan.Cli.Inspect;

/// <summary>
/// One JSON object per photo per line. The property names are a contract other tools read: file, width,
/// height, make, model, capturedAt, latitude, longitude, altitudeAglM, altitudeSource, yawDeg, pitchDeg,
/// rollDeg, attitudeSource, focalLengthPx, gsdM, center {lat, lon}, footprint (GeoJSON Polygon),
/// uncertaintyM, warnings [], and pixelGround with --pixel. Absent values are null.
/// </summary>
internal sealed class JsonLinesReport(TextWriter output) : IInspectReport
{
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    // Plain UTF-8 ('+', '°', non-ASCII file names) rather than \u escapes: the output is read by people too.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Write(InspectResult result)
    {
        var photo = result.Photo;
        var m = photo.Metadata;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("file", m.FileName);
            w.WriteString("path", m.FilePath);
            Number(w, "width", photo.Width);
            Number(w, "height", photo.Height);
            w.WriteNumber("orientation", m.Orientation);
            w.WriteString("make", m.Make);
            w.WriteString("model", m.Model);
            w.WriteString("capturedAt", m.CapturedAt?.ToIso8601());
            w.WriteString("capturedAtUtc", m.CapturedAt?.Utc?.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteBoolean("georeferenced", photo.IsGeoreferenced);
            Number(w, "latitude", m.LatitudeDeg, 9);
            Number(w, "longitude", m.LongitudeDeg, 9);
            Number(w, "gpsAltitudeM", m.GpsAltitudeM, 3);
            Number(w, "altitudeAglM", photo.AltitudeAglM, 3);
            w.WriteString("altitudeSource", photo.AltitudeSource);
            Number(w, "yawDeg", photo.Attitude?.YawDeg, 3);
            Number(w, "pitchDeg", photo.Attitude?.PitchDeg, 3);
            Number(w, "rollDeg", photo.Attitude?.RollDeg, 3);
            w.WriteString("attitudeSource", photo.AttitudeSource);
            Number(w, "focalLengthPx", photo.FocalLengthPx, 2);
            w.WriteString("focalLengthSource", photo.FocalLengthSource);
            Number(w, "gsdM", result.GsdM, 6);
            Position(w, "center", result.Centre);
            w.WritePropertyName("footprint");
            if (result.Footprint is null)
            {
                w.WriteNullValue();
            }
            else
            {
                JsonSerializer.Serialize(w, result.Footprint, GeoJson);
            }

            Number(w, "footprintAreaM2", result.FootprintAreaM2, 1);
            Uncertainty(w, "uncertaintyM", result.CentreUncertainty);
            w.WriteString("gpsSigmaSource", photo.GpsSigmaSource);
            if (result.Pixel is { } px)
            {
                w.WriteStartObject("pixel");
                w.WriteNumber("u", px.U);
                w.WriteNumber("v", px.V);
                w.WriteEndObject();
                if (result.PixelGround is { } pg)
                {
                    w.WriteStartObject("pixelGround");
                    w.WriteNumber("lat", Math.Round(pg.Position.LatitudeDeg, 9));
                    w.WriteNumber("lon", Math.Round(pg.Position.LongitudeDeg, 9));
                    Uncertainty(w, "uncertaintyM", pg.Uncertainty);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("pixelGround");
                }
            }

            Diagnostics(w, "warnings", photo.Diagnostics, DiagnosticSeverity.Warning);
            Diagnostics(w, "errors", photo.Diagnostics, DiagnosticSeverity.Error);
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public void Complete() => output.Flush();

    private static void Number(Utf8JsonWriter w, string name, double? value, int decimals)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, decimals));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Position(Utf8JsonWriter w, string name, Core.Geodesy.GeoPoint? p)
    {
        if (p is not { } point)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("lat", Math.Round(point.LatitudeDeg, 9));
        w.WriteNumber("lon", Math.Round(point.LongitudeDeg, 9));
        w.WriteEndObject();
    }

    private static void Uncertainty(Utf8JsonWriter w, string name, HorizontalUncertainty? u)
    {
        if (u is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("sigma", Math.Round(u.SigmaM, 3));
        w.WriteNumber("r90", Math.Round(u.R90M, 3));
        w.WriteNumber("semiMajor", Math.Round(u.SemiMajorM, 3));
        w.WriteNumber("semiMinor", Math.Round(u.SemiMinorM, 3));
        w.WriteNumber("majorAxisAzimuthDeg", Math.Round(u.MajorAxisAzimuthDeg, 1));
        w.WriteEndObject();
    }

    private static void Diagnostics(Utf8JsonWriter w, string name, IReadOnlyList<PhotoDiagnostic> all, DiagnosticSeverity severity)
    {
        w.WriteStartArray(name);
        foreach (var d in all)
        {
            if (d.Severity != severity)
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("field", d.Field);
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
