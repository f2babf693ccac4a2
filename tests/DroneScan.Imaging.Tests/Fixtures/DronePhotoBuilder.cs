using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Imaging.Tests.Fixtures;

/// <summary>
/// Writes small synthetic drone photos (plain JPEGs, 400 × 300 by default) with exactly the EXIF, GPS, XMP and
/// MakerNote fields a test asks for, using ImageSharp 2.1. Fields not set are absent from the file; a builder
/// with nothing set writes a JPEG with no EXIF and no XMP at all.
/// </summary>
internal sealed class DronePhotoBuilder
{
    private readonly List<Action<ExifProfile>> _exif = [];
    private readonly XmpPacket _xmp = new();
    private byte[]? _rawXmp;
    private int _width = 400;
    private int _height = 300;

    /// <summary>An exact rational (never simplified, so 0/0 and 1/0 survive).</summary>
    public static Rational R(uint numerator, uint denominator = 1) => new(numerator, denominator, false);

    /// <summary>A non-negative value as a rational with a denominator of 10⁶.</summary>
    public static Rational Micro(double value) => R((uint)Math.Round(value * 1_000_000), 1_000_000);

    public DronePhotoBuilder WithSize(int width, int height)
    {
        (_width, _height) = (width, height);
        return this;
    }

    public DronePhotoBuilder WithCamera(string make, string model) =>
        Exif(p =>
        {
            p.SetValue(ExifTag.Make, make);
            p.SetValue(ExifTag.Model, model);
        });

    public DronePhotoBuilder WithOrientation(ushort orientation) => Exif(p => p.SetValue(ExifTag.Orientation, orientation));

    /// <summary>DateTimeOriginal ("yyyy:MM:dd HH:mm:ss"), with SubSecTimeOriginal and OffsetTimeOriginal when given.</summary>
    public DronePhotoBuilder WithDateTimeOriginal(string dateTime, string? subSec = null, string? offset = null) =>
        Exif(p =>
        {
            p.SetValue(ExifTag.DateTimeOriginal, dateTime);
            if (subSec is not null)
            {
                p.SetValue(ExifTag.SubsecTimeOriginal, subSec);
            }

            if (offset is not null)
            {
                p.SetValue(ExifTag.OffsetTimeOriginal, offset);
            }
        });

    public DronePhotoBuilder WithFocalLength(double millimetres, ushort? in35mmFilm = null) =>
        Exif(p =>
        {
            p.SetValue(ExifTag.FocalLength, Micro(millimetres));
            if (in35mmFilm is { } f35)
            {
                p.SetValue(ExifTag.FocalLengthIn35mmFilm, f35);
            }
        });

    /// <summary>GPS position as written: three rationals (degrees, minutes, seconds) and a reference letter each.</summary>
    public DronePhotoBuilder WithGps(Rational[] latitudeDms, string latitudeRef, Rational[] longitudeDms, string longitudeRef) =>
        Exif(p =>
        {
            p.SetValue(ExifTag.GPSLatitudeRef, latitudeRef);
            p.SetValue(ExifTag.GPSLatitude, latitudeDms);
            p.SetValue(ExifTag.GPSLongitudeRef, longitudeRef);
            p.SetValue(ExifTag.GPSLongitude, longitudeDms);
        });

    /// <summary>GPS position from signed decimal degrees (fractional degrees, 0 minutes, 0 seconds).</summary>
    public DronePhotoBuilder WithGpsDegrees(double latitudeDeg, double longitudeDeg) =>
        WithGps(
            [Micro(Math.Abs(latitudeDeg)), R(0), R(0)],
            latitudeDeg < 0 ? "S" : "N",
            [Micro(Math.Abs(longitudeDeg)), R(0), R(0)],
            longitudeDeg < 0 ? "W" : "E");

    /// <summary>GPSAltitude (unsigned) and GPSAltitudeRef (0 above, 1 below sea level).</summary>
    public DronePhotoBuilder WithGpsAltitude(double metres, byte altitudeRef = 0) =>
        Exif(p =>
        {
            p.SetValue(ExifTag.GPSAltitude, Micro(metres));
            p.SetValue(ExifTag.GPSAltitudeRef, altitudeRef);
        });

    /// <summary>GPSDateStamp ("yyyy:MM:dd") and GPSTimeStamp (UTC hours, minutes, seconds).</summary>
    public DronePhotoBuilder WithGpsTime(string date, Rational hours, Rational minutes, Rational seconds) =>
        Exif(p =>
        {
            p.SetValue(ExifTag.GPSDateStamp, date);
            p.SetValue(ExifTag.GPSTimestamp, new[] { hours, minutes, seconds });
        });

    /// <summary>The EXIF MakerNote (0x927C, UNDEFINED) bytes as given.</summary>
    public DronePhotoBuilder WithMakerNote(byte[] makerNote) => Exif(p => p.SetValue(ExifTag.MakerNote, makerNote));

    /// <summary>A DJI MakerNote IFD with CameraPitch/Yaw/Roll; needs Make "DJI" for readers to parse it.</summary>
    public DronePhotoBuilder WithDjiMakerNote(float cameraPitchDeg, float cameraYawDeg, float cameraRollDeg) =>
        WithMakerNote(DjiMakerNote.Build(cameraPitchDeg, cameraYawDeg, cameraRollDeg));

    /// <summary>Any other EXIF field.</summary>
    public DronePhotoBuilder Exif(Action<ExifProfile> set)
    {
        _exif.Add(set);
        return this;
    }

    /// <summary>One XMP property, written as an attribute of the packet's rdf:Description.</summary>
    public DronePhotoBuilder WithXmp(string namespaceUri, string prefix, string name, string value)
    {
        _xmp.Set(namespaceUri, prefix, name, value);
        return this;
    }

    /// <summary>An XMP packet exactly as given, instead of the one built from the properties.</summary>
    public DronePhotoBuilder WithRawXmp(byte[] packet)
    {
        _rawXmp = packet;
        return this;
    }

    /// <summary>A <c>drone-dji:</c> XMP property, value exactly as DJI firmware writes it (e.g. "+95.036").</summary>
    public DronePhotoBuilder WithDji(string name, string value) => WithXmp(XmpPacket.DjiNamespace, "drone-dji", name, value);

    public DronePhotoBuilder WithDjiGimbal(string yaw, string pitch, string roll) =>
        WithDji("GimbalYawDegree", yaw).WithDji("GimbalPitchDegree", pitch).WithDji("GimbalRollDegree", roll);

    public DronePhotoBuilder WithPix4D(string name, string value) => WithXmp(XmpPacket.Pix4DNamespace, "Camera", name, value);

    public DronePhotoBuilder WithSenseFly(string name, string value) => WithXmp(XmpPacket.SenseFlyNamespace, "sensefly", name, value);

    /// <summary>The encoded JPEG.</summary>
    public byte[] ToBytes()
    {
        using var image = new Image<Rgb24>(_width, _height, new Rgb24(96, 112, 72));
        if (_exif.Count > 0)
        {
            var profile = new ExifProfile();
            foreach (var set in _exif)
            {
                set(profile);
            }

            image.Metadata.ExifProfile = profile;
        }

        if (_rawXmp is not null || !_xmp.IsEmpty)
        {
            // ImageSharp 2.1's JPEG encoder writes the XMP profile as its own APP1 segment
            // ("http://ns.adobe.com/xap/1.0/\0" + packet), after APP0 and the EXIF APP1.
            image.Metadata.XmpProfile = new XmpProfile(_rawXmp ?? _xmp.ToBytes());
        }

        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 75 });
        return stream.ToArray();
    }

    /// <summary>Writes the JPEG into a folder and returns its full path.</summary>
    public string Save(string folder, string fileName)
    {
        string path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, ToBytes());
        return path;
    }
}
