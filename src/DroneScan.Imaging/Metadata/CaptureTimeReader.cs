using System.Globalization;
using DroneScan.Core.Photos;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace DroneScan.Imaging.Metadata;

/// <summary>DateTimeOriginal + SubSecTimeOriginal, with the UTC offset from OffsetTimeOriginal or, failing that,
/// from the GPS UTC time stamp (rounded to the quarter hour, as every time zone is).</summary>
internal static class CaptureTimeReader
{
    public static CaptureTime? Read(ExifSubIfdDirectory? subIfd, GpsDirectory? gps, ReadContext context)
    {
        string? text = subIfd?.GetString(ExifTags.DateTimeOriginal)?.Trim('\0', ' ');
        if (subIfd is null || string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!DateTime.TryParseExact(text, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            context.Warn(DiagnosticCodes.InvalidValue, "DateTimeOriginal", $"'{text}' is not 'YYYY:MM:DD HH:MM:SS'; ignored");
            return null;
        }

        string? subSec = subIfd.GetString(ExifTags.SubSecTimeOriginal)?.Trim('\0', ' ');
        if (!string.IsNullOrEmpty(subSec))
        {
            if (subSec.All(char.IsAsciiDigit) && subSec.Length <= 9)
            {
                local = local.AddTicks((long)(double.Parse("0." + subSec, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
            }
            else
            {
                context.Warn(DiagnosticCodes.InvalidValue, "SubSecTimeOriginal", $"'{subSec}' is not digits; ignored");
            }
        }

        string? offsetText = subIfd.GetString(ExifTags.OffsetTimeOriginal)?.Trim('\0', ' ');
        if (!string.IsNullOrEmpty(offsetText))
        {
            if (TryParseOffset(offsetText, out var offset))
            {
                return new CaptureTime(local, offset, "exif-offset-time");
            }

            context.Warn(DiagnosticCodes.InvalidValue, "OffsetTimeOriginal", $"'{offsetText}' is not '±HH:MM'; ignored");
        }

        if (GpsUtc(gps) is { } utc)
        {
            var diff = local - utc;
            double quarters = Math.Round(diff.TotalMinutes / 15);
            if (Math.Abs(quarters) <= 14 * 4 && Math.Abs(diff.TotalMinutes - (quarters * 15)) < 5)
            {
                return new CaptureTime(local, TimeSpan.FromMinutes(quarters * 15), "gps-time");
            }
        }

        return new CaptureTime(local, null, "none");
    }

    private static bool TryParseOffset(string text, out TimeSpan offset)
    {
        offset = default;
        if (text.Length != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':'
            || !int.TryParse(text.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            || !int.TryParse(text.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int m)
            || h > 14 || m > 59)
        {
            return false;
        }

        offset = new TimeSpan(h, m, 0);
        if (text[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static DateTime? GpsUtc(GpsDirectory? gps)
    {
        string? date = gps?.GetString(ExifTags.GpsDateStamp)?.Trim('\0', ' ');
        var time = gps?.GetRationalArray(ExifTags.GpsTimeStamp);
        if (string.IsNullOrEmpty(date) || time is not { Length: 3 } || Array.Exists(time, t => t.Denominator == 0)
            || !DateTime.TryParseExact(date, "yyyy:MM:dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return null;
        }

        double seconds = (time[0].ToDouble() * 3600) + (time[1].ToDouble() * 60) + time[2].ToDouble();
        return double.IsFinite(seconds) && seconds is >= 0 and < 86401 ? day.AddSeconds(seconds) : null;
    }
}
