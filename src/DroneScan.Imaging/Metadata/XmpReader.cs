using System.Globalization;
using DroneScan.Core.Photos;
using XmpCore;

namespace DroneScan.Imaging.Metadata;

/// <summary>Vendor XMP packets: DJI (signed strings such as "+95.036"), Pix4D camera, senseFly.</summary>
internal static class XmpReader
{
    public static DjiXmp? ReadDji(IXmpMeta xmp, ReadContext context)
    {
        var r = new Reader(xmp, XmpNamespaces.Dji, context);
        var dji = new DjiXmp
        {
            RelativeAltitudeM = r.Number("RelativeAltitude"),
            AbsoluteAltitudeM = r.Number("AbsoluteAltitude"),
            GimbalYawDeg = r.Number("GimbalYawDegree"),
            GimbalPitchDeg = r.Number("GimbalPitchDegree"),
            GimbalRollDeg = r.Number("GimbalRollDegree"),
            FlightYawDeg = r.Number("FlightYawDegree"),
            FlightPitchDeg = r.Number("FlightPitchDegree"),
            FlightRollDeg = r.Number("FlightRollDegree"),
            GpsLatitudeDeg = r.Number("GpsLatitude"),
            GpsLongitudeDeg = r.Number("GpsLongitude") ?? r.Number("GpsLongtitude"), // sic: some firmware misspells it
            CalibratedFocalLengthPx = r.Number("CalibratedFocalLength"),
            CalibratedOpticalCenterX = r.Number("CalibratedOpticalCenterX"),
            CalibratedOpticalCenterY = r.Number("CalibratedOpticalCenterY"),
            RtkFlag = r.Number("RtkFlag") is { } flag ? (int)flag : null,
            RtkStdLonM = r.Number("RtkStdLon"),
            RtkStdLatM = r.Number("RtkStdLat"),
            RtkStdHgtM = r.Number("RtkStdHgt"),
            LrfTargetLatitudeDeg = r.Number("LRFTargetLat"),
            LrfTargetLongitudeDeg = r.Number("LRFTargetLon"),
            LrfTargetAltitudeM = r.Number("LRFTargetAlt"),
            LrfTargetAbsoluteAltitudeM = r.Number("LRFTargetAbsAlt"),
            LrfTargetDistanceM = r.Number("LRFTargetDistance"),
            LrfStatus = r.Text("LRFStatus"),
            ImageSource = r.Text("ImageSource"),
        };
        return r.FoundAny ? dji : null;
    }

    public static Pix4DXmp? ReadPix4D(IXmpMeta xmp, ReadContext context)
    {
        var r = new Reader(xmp, XmpNamespaces.Pix4D, context);
        var p = new Pix4DXmp(r.Number("Yaw"), r.Number("Pitch"), r.Number("Roll"), r.Number("GPSXYAccuracy"), r.Number("GPSZAccuracy"));
        return r.FoundAny ? p : null;
    }

    public static SenseFlyXmp? ReadSenseFly(IXmpMeta xmp, ReadContext context)
    {
        var r = new Reader(xmp, XmpNamespaces.SenseFly, context);
        var s = new SenseFlyXmp(r.Number("Height"), r.Number("Heading"), r.Number("PitchAngle"), r.Number("RollAngle"));
        return r.FoundAny ? s : null;
    }

    private sealed class Reader(IXmpMeta xmp, string ns, ReadContext context)
    {
        public bool FoundAny { get; private set; }

        // A namespace no packet has declared is simply absent (XmpCore throws for it).
        private readonly bool _declared = XmpMetaFactory.SchemaRegistry.GetNamespacePrefix(ns) is not null;

        public string? Text(string name)
        {
            if (!_declared)
            {
                return null;
            }

            string? text;
            try
            {
                text = xmp.GetPropertyString(ns, name);
            }
            catch (XmpException ex)
            {
                context.Warn(DiagnosticCodes.InvalidValue, name, $"unreadable XMP property: {ex.Message}");
                return null;
            }

            if (text is not null)
            {
                FoundAny = true;
            }

            return text?.Trim();
        }

        public double? Number(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            {
                return value;
            }

            context.Warn(DiagnosticCodes.InvalidValue, name, $"'{text}' is not a number; ignored");
            return null;
        }
    }
}
