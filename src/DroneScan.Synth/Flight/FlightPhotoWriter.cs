using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Synth.Flight;

/// <summary>
/// What one photo's metadata says, exactly as written: position (with any GPS bias), heights and angles
/// already rounded to the precision of their fields.
/// </summary>
public sealed record WrittenPose(double LatitudeDeg, double LongitudeDeg, double GpsAltitudeM, double RelativeAltitudeM, double GimbalYawDeg, double GimbalPitchDeg, double GimbalRollDeg, double FlightYawDeg, double FlightPitchDeg, double FlightRollDeg, DateTime CapturedLocal);

/// <summary>
/// Writes a photo as a DJI-style JPEG: EXIF camera, capture time, focal lengths and GPS (degrees, minutes and
/// seconds to 10⁻⁵″ ≈ 0.3 mm; altitude above sea level), and a DJI XMP packet (signed strings, as DJI firmware
/// writes them) with relative and absolute altitude, gimbal and flight angles. ImageSharp 2.1 writes the XMP
/// profile as its own APP1 segment after the EXIF one.
/// </summary>
internal static class FlightPhotoWriter
{
    public const string Make = "DroneScan";
    public const string Model = "SynthCam-2000";
    public const string DjiNamespace = "http://www.dji.com/drone-dji/1.0/";

    private const uint SecondsDenominator = 100_000;

    /// <summary>Rounds a latitude or longitude to what the EXIF rationals hold, computed as a reader adds them up.</summary>
    public static double QuantizeDegrees(double deg)
    {
        var (d, m, s) = Dms(deg);
        double v = d;
        v += m / 60.0;
        v += s / (double)SecondsDenominator / 3600;
        return deg < 0 ? -v : v;
    }

    public static void Save(Image<Rgb24> image, WrittenPose pose, FlightOptions o, string path)
    {
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Make, Make);
        exif.SetValue(ExifTag.Model, Model);
        exif.SetValue(ExifTag.Software, "dronescan synth flight");
        exif.SetValue(ExifTag.DateTimeOriginal, pose.CapturedLocal.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture));
        exif.SetValue(ExifTag.OffsetTimeOriginal, FormatOffset(o.UtcOffset));
        exif.SetValue(ExifTag.FocalLength, new Rational((uint)Math.Round(FocalLengthMm(o) * 100), 100, false));
        exif.SetValue(ExifTag.FocalLengthIn35mmFilm, (ushort)o.FocalLength35mm);
        exif.SetValue(ExifTag.GPSVersionID, new byte[] { 2, 3, 0, 0 });
        exif.SetValue(ExifTag.GPSLatitudeRef, pose.LatitudeDeg < 0 ? "S" : "N");
        exif.SetValue(ExifTag.GPSLatitude, Rationals(pose.LatitudeDeg));
        exif.SetValue(ExifTag.GPSLongitudeRef, pose.LongitudeDeg < 0 ? "W" : "E");
        exif.SetValue(ExifTag.GPSLongitude, Rationals(pose.LongitudeDeg));
        exif.SetValue(ExifTag.GPSAltitudeRef, (byte)(pose.GpsAltitudeM < 0 ? 1 : 0));
        exif.SetValue(ExifTag.GPSAltitude, new Rational((uint)Math.Round(Math.Abs(pose.GpsAltitudeM) * 1000), 1000, false));
        image.Metadata.ExifProfile = exif;
        image.Metadata.XmpProfile = new XmpProfile(Xmp(pose));
        image.SaveAsJpeg(path, new JpegEncoder { Quality = o.JpegQuality });
    }

    /// <summary>The focal length in millimetres of a sensor with 3.2 µm pixels (a 1/2-inch type at 2000 × 1500):
    /// consistent with the 35 mm-equivalent value, which is what DroneScan uses for a camera not in its table.</summary>
    public static double FocalLengthMm(FlightOptions o) => FlightPlan.FocalLengthPx(o) * 0.0032;

    internal static byte[] Xmp(WrittenPose p)
    {
        XNamespace x = "adobe:ns:meta/", rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", dji = DjiNamespace;
        var description = new XElement(
            rdf + "Description",
            new XAttribute(rdf + "about", "DJI Meta Data"),
            new XAttribute(XNamespace.Xmlns + "drone-dji", DjiNamespace),
            new XAttribute(dji + "GpsLatitude", Signed(p.LatitudeDeg, "0.00000000")),
            new XAttribute(dji + "GpsLongitude", Signed(p.LongitudeDeg, "0.00000000")),
            new XAttribute(dji + "AbsoluteAltitude", Signed(p.GpsAltitudeM, "0.000")),
            new XAttribute(dji + "RelativeAltitude", Signed(p.RelativeAltitudeM, "0.00")),
            new XAttribute(dji + "GimbalRollDegree", Signed(p.GimbalRollDeg, "0.00")),
            new XAttribute(dji + "GimbalYawDegree", Signed(p.GimbalYawDeg, "0.00")),
            new XAttribute(dji + "GimbalPitchDegree", Signed(p.GimbalPitchDeg, "0.00")),
            new XAttribute(dji + "FlightRollDegree", Signed(p.FlightRollDeg, "0.00")),
            new XAttribute(dji + "FlightYawDegree", Signed(p.FlightYawDeg, "0.00")),
            new XAttribute(dji + "FlightPitchDegree", Signed(p.FlightPitchDeg, "0.00")));
        var document = new XDocument(
            new XProcessingInstruction("xpacket", "begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\""),
            new XElement(x + "xmpmeta", new XAttribute(XNamespace.Xmlns + "x", x.NamespaceName), new XElement(rdf + "RDF", new XAttribute(XNamespace.Xmlns + "rdf", rdf.NamespaceName), description)),
            new XProcessingInstruction("xpacket", "end=\"w\""));
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true, Indent = true };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            document.Save(writer);
        }

        return stream.ToArray();
    }

    /// <summary>DJI's number format: an explicit sign, e.g. "+25.00", "-89.90".</summary>
    internal static string Signed(double v, string format) => (v + 0.0).ToString("+" + format + ";-" + format + ";+" + format, CultureInfo.InvariantCulture);

    private static Rational[] Rationals(double deg)
    {
        var (d, m, s) = Dms(deg);
        return [new Rational(d, 1, false), new Rational(m, 1, false), new Rational(s, SecondsDenominator, false)];
    }

    private static (uint D, uint M, uint S) Dms(double deg)
    {
        // Whole 10⁻⁵ seconds first, so that rounding never gives 60 seconds.
        ulong units = (ulong)Math.Round(Math.Abs(deg) * 3600 * SecondsDenominator);
        ulong perMinute = 60UL * SecondsDenominator;
        ulong perDegree = 60 * perMinute;
        return ((uint)(units / perDegree), (uint)(units % perDegree / perMinute), (uint)(units % perMinute));
    }

    private static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
