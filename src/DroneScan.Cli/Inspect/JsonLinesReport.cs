using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Photos;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace DroneScan.Cli.Inspect;

/// <summary>
/// One JSON object per photo per line. The property names are a contract other tools read: file, width,
/// height, make, model, capturedAt, latitude, longitude, altitudeAglM, altitudeSource, groundElevationM, demFile, yawDeg, pitchDeg,
/// rollDeg, attitudeSource, focalLengthPx, gsdM, center {lat, lon}, footprint (GeoJSON Polygon),
/// uncertaintyM, warnings [], and pixelGround with --pixel. Absent values are null.
/// </summary>
internal sealed class JsonLinesReport(TextWriter output) : IInspectReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,

        // Plain UTF-8 ('+', '°', non-ASCII file names) rather than \u escapes: the output is read by people too.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new GeoJsonConverterFactory() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { PixelOnlyWhenAsked } },
    };

    public void Write(InspectResult result) => output.WriteLine(JsonSerializer.Serialize(InspectLine.From(result), Options));

    public void Complete() => output.Flush();

    /// <summary><c>pixel</c> and <c>pixelGround</c> are there only with --pixel (then a missing ground point is null).</summary>
    private static void PixelOnlyWhenAsked(JsonTypeInfo info)
    {
        if (info.Type != typeof(InspectLine))
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            if (property.Name is "pixel" or "pixelGround")
            {
                property.ShouldSerialize = (line, _) => ((InspectLine)line).Pixel is not null;
            }
        }
    }

    /// <summary>One line of the report, in the contract's order; numbers already rounded, non-finite ones null.</summary>
    private sealed record InspectLine(
        string File,
        string Path,
        int? Width,
        int? Height,
        int Orientation,
        string? Make,
        string? Model,
        string? CapturedAt,
        string? CapturedAtUtc,
        bool Georeferenced,
        double? Latitude,
        double? Longitude,
        double? GpsAltitudeM,
        double? AltitudeAglM,
        string? AltitudeSource,
        double? GroundElevationM,
        string? DemFile,
        double? YawDeg,
        double? PitchDeg,
        double? RollDeg,
        string? AttitudeSource,
        double? FocalLengthPx,
        string? FocalLengthSource,
        double? GsdM,
        LatLon? Center,
        Polygon? Footprint,
        double? FootprintAreaM2,
        UncertaintyDto? UncertaintyM,
        string? GpsSigmaSource,
        PixelDto? Pixel,
        PixelGroundDto? PixelGround,
        IReadOnlyList<DiagnosticDto> Warnings,
        IReadOnlyList<DiagnosticDto> Errors)
    {
        public static InspectLine From(InspectResult result)
        {
            var photo = result.Photo;
            var m = photo.Metadata;
            return new InspectLine(
                m.FileName,
                m.FilePath,
                photo.Width,
                photo.Height,
                m.Orientation,
                m.Make,
                m.Model,
                m.CapturedAt?.ToIso8601(),
                m.CapturedAt?.Utc?.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture),
                photo.IsGeoreferenced,
                Round(m.LatitudeDeg, 9),
                Round(m.LongitudeDeg, 9),
                Round(m.GpsAltitudeM, 3),
                Round(photo.AltitudeAglM, 3),
                photo.AltitudeSource,
                Round(photo.GroundElevationM, 3),
                photo.DemFile,
                Round(photo.Attitude?.YawDeg, 3),
                Round(photo.Attitude?.PitchDeg, 3),
                Round(photo.Attitude?.RollDeg, 3),
                photo.AttitudeSource,
                Round(photo.FocalLengthPx, 2),
                photo.FocalLengthSource,
                Round(result.GsdM, 6),
                result.Centre is { } centre ? LatLon.From(centre) : null,
                result.Footprint,
                Round(result.FootprintAreaM2, 1),
                UncertaintyDto.From(result.CentreUncertainty),
                photo.GpsSigmaSource,
                result.Pixel is { } px ? new PixelDto(px.U, px.V) : null,
                result.PixelGround is { } pg ? new PixelGroundDto(Math.Round(pg.Position.LatitudeDeg, 9), Math.Round(pg.Position.LongitudeDeg, 9), UncertaintyDto.From(pg.Uncertainty)) : null,
                Diagnostics(photo.Diagnostics, DiagnosticSeverity.Warning),
                Diagnostics(photo.Diagnostics, DiagnosticSeverity.Error));
        }

        private static double? Round(double? value, int decimals) =>
            value is { } v && double.IsFinite(v) ? Math.Round(v, decimals) : null;

        private static DiagnosticDto[] Diagnostics(IReadOnlyList<PhotoDiagnostic> all, DiagnosticSeverity severity) =>
            [.. all.Where(d => d.Severity == severity).Select(d => new DiagnosticDto(d.Code, d.Field, d.Message))];
    }

    private sealed record LatLon(double Lat, double Lon)
    {
        public static LatLon From(Core.Geodesy.GeoPoint p) => new(Math.Round(p.LatitudeDeg, 9), Math.Round(p.LongitudeDeg, 9));
    }

    private sealed record PixelDto(double U, double V);

    private sealed record PixelGroundDto(double Lat, double Lon, UncertaintyDto? UncertaintyM);

    private sealed record UncertaintyDto(double Sigma, double R90, double SemiMajor, double SemiMinor, double MajorAxisAzimuthDeg)
    {
        public static UncertaintyDto? From(HorizontalUncertainty? u) => u is null
            ? null
            : new(Math.Round(u.SigmaM, 3), Math.Round(u.R90M, 3), Math.Round(u.SemiMajorM, 3), Math.Round(u.SemiMinorM, 3), Math.Round(u.MajorAxisAzimuthDeg, 1));
    }

    private sealed record DiagnosticDto(string Code, string Field, string Message);
}
