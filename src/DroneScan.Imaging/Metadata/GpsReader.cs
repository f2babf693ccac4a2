using DroneScan.Core.Photos;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace DroneScan.Imaging.Metadata;

/// <summary>EXIF GPS IFD: degrees-minutes-seconds with N/S/E/W references, altitude with its sea-level reference.</summary>
internal static class GpsReader
{
    public static (double? Lat, double? Lon, double? AltitudeM) ReadPosition(GpsDirectory? gps, ReadContext context)
    {
        if (gps is null)
        {
            return (null, null, null);
        }

        double? lat = Angle(gps, ExifTags.GpsLatitude, ExifTags.GpsLatitudeRef, "GPSLatitude", 'N', 'S', context);
        double? lon = Angle(gps, ExifTags.GpsLongitude, ExifTags.GpsLongitudeRef, "GPSLongitude", 'E', 'W', context);

        double? alt = null;
        if (gps.TryGetRational(ExifTags.GpsAltitude, out var r))
        {
            alt = r.ToDouble();
            if (r.Denominator == 0 || !double.IsFinite(alt.Value))
            {
                context.Warn(DiagnosticCodes.InvalidValue, "GPSAltitude", $"value {r} is not a number; ignored");
                alt = null;
            }
            else if (gps.TryGetInt32(ExifTags.GpsAltitudeRef, out int altRef) && altRef == 1)
            {
                // GPSAltitudeRef 1 = below sea level: the rational is unsigned.
                alt = -alt.Value;
            }
        }

        return (lat, lon, alt);
    }

    public static double? Rational(GpsDirectory? gps, int tag, string field, ReadContext context)
    {
        if (gps is null || !gps.TryGetRational(tag, out var r))
        {
            return null;
        }

        double v = r.ToDouble();
        if (r.Denominator == 0 || !double.IsFinite(v))
        {
            context.Warn(DiagnosticCodes.InvalidValue, field, $"value {r} is not a number; ignored");
            return null;
        }

        return v;
    }

    /// <summary>Decimal degrees from the three rationals and the reference letter. NaN and out-of-range values
    /// are returned as read: deciding what is a valid position is the georeferencer's job, which names the field.</summary>
    private static double? Angle(GpsDirectory gps, int tag, int refTag, string field, char positive, char negative, ReadContext context)
    {
        var dms = gps.GetRationalArray(tag);
        if (dms is null)
        {
            return gps.ContainsTag(tag) ? Invalid(field, "is not three rationals", context) : null;
        }

        if (dms.Length == 0 || dms.Length > 3)
        {
            return Invalid(field, $"has {dms.Length} values instead of 3", context);
        }

        // MetadataExtractor reads 0/0 as 0, which would silently move the photo: an undefined part is invalid.
        if (Array.Exists(dms, r => r.Denominator == 0))
        {
            return Invalid(field, $"has a zero denominator ({string.Join(", ", dms)})", context);
        }

        double value = dms[0].ToDouble();
        if (dms.Length > 1)
        {
            value += dms[1].ToDouble() / 60;
        }

        if (dms.Length > 2)
        {
            value += dms[2].ToDouble() / 3600;
        }

        string? reference = gps.GetString(refTag)?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(reference))
        {
            context.Warn(DiagnosticCodes.InvalidValue, field + "Ref", $"missing; '{positive}' assumed");
        }
        else if (reference[0] == negative)
        {
            value = -value;
        }
        else if (reference[0] != positive)
        {
            context.Warn(DiagnosticCodes.InvalidValue, field + "Ref", $"'{reference}' is neither {positive} nor {negative}; '{positive}' assumed");
        }

        return value;
    }

    private static double? Invalid(string field, string problem, ReadContext context)
    {
        context.Warn(DiagnosticCodes.InvalidValue, field, problem);
        return double.NaN;
    }
}
