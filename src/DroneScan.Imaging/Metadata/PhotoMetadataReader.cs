using System.Globalization;
using DroneScan.Core.Photos;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Exif.Makernotes;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Adobe;
using MetadataExtractor.Formats.Icc;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Jfif;
using MetadataExtractor.Formats.Jfxx;
using MetadataExtractor.Formats.Photoshop;
using MetadataExtractor.Formats.Xmp;
using MetadataExtractor.Util;
using XmpCore;
using Directory = MetadataExtractor.Directory;

namespace DroneScan.Imaging.Metadata;

/// <summary>
/// Reads what a drone photo (JPEG, or TIFF where MetadataExtractor reads it) says: EXIF, GPS, DJI XMP and
/// MakerNotes, Pix4D and senseFly XMP. Never throws for a bad file: every problem becomes a
/// <see cref="PhotoDiagnostic"/> naming the file and the field, so one bad photo never stops a flight.
/// </summary>
public static class PhotoMetadataReader
{
    /// <summary>Reads one photo's metadata from its file.</summary>
    public static PhotoMetadata Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        }
        catch (Exception ex) when (IsFileProblem(ex))
        {
            var diagnostics = new List<PhotoDiagnostic>();
            new ReadContext(Path.GetFileName(path), diagnostics).Error(DiagnosticCodes.Unreadable, "file", Describe(ex));
            return new PhotoMetadata { FilePath = path, Diagnostics = diagnostics };
        }

        using (stream)
        {
            return Read(path, stream);
        }
    }

    /// <summary>
    /// Reads one photo's metadata from <paramref name="stream"/> (seekable, positioned anywhere: it is read from its
    /// start), e.g. the bytes a scan has already read to hash the photo, so the file is not opened twice;
    /// <paramref name="path"/> names the photo in diagnostics and in the result.
    /// </summary>
    public static PhotoMetadata Read(string path, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(stream);
        var diagnostics = new List<PhotoDiagnostic>();
        var context = new ReadContext(Path.GetFileName(path), diagnostics);

        try
        {
            stream.Position = 0;
            var type = FileTypeDetector.DetectFileType(stream);
            if (type == FileType.Jpeg)
            {
                // JPEG, the drone photo format: XMP (the APP1 packet, else EXIF tag 700) is parsed by XmpPacketReader
                // (hardened), never by MetadataExtractor.
                stream.Position = 0;
                var xmpSegment = new JpegXmpSegmentCollector();
                var exif = new JpegExifReaderWithoutXmp();
                var flir = new JpegFlirSegmentDetector();
                var directories = JpegMetadataReader.ReadMetadata(stream, [.. JpegReadersWithoutXmp, exif, xmpSegment, flir]);
                var xmp = ParseXmp(xmpSegment.Packet ?? exif.Packet, xmpSegment.Packet is null ? exif.OversizedBytes : null, context);
                return ReadDirectories(path, directories, xmp, context) with { SensorEvidence = new SensorEvidence { HasFlirSegment = flir.Found } };
            }

            if (type is FileType.Tiff or FileType.Arw or FileType.Cr2 or FileType.Nef or FileType.Orf or FileType.Rw2)
            {
                // TIFF and the raw formats built on it (the detector calls some plain TIFFs "Arw"): tag 700
                // (XMLPacket) likewise goes to XmpPacketReader, not to MetadataExtractor's XmpReader.
                stream.Position = 0;
                var (directories, tiff) = XmpTagCapturingTiffHandler.ReadTiff(stream);
                var read = ReadDirectories(path, directories, ParseXmp(tiff.Packet, tiff.OversizedBytes, context), context);
                return read with { SensorEvidence = TiffLayout(directories.OfType<ExifIfd0Directory>().FirstOrDefault()) };
            }

            // Other formats (PNG …): MetadataExtractor reads them whole. No drone writes XMP into a PNG.
            stream.Position = 0;
            var all = ImageMetadataReader.ReadMetadata(stream);
            return ReadDirectories(path, all, all.OfType<XmpDirectory>().FirstOrDefault()?.XmpMeta, context);
        }
        catch (Exception ex) when (IsFileProblem(ex))
        {
            // Crafted or damaged files make parsers throw all kinds of exceptions (index, overflow, format...).
            // Whatever it is, it concerns this file only: report it against the file and let the batch go on.
            context.Error(DiagnosticCodes.Unreadable, "file", Describe(ex));
            return new PhotoMetadata { FilePath = path, Diagnostics = diagnostics };
        }
    }

    private static IXmpMeta? ParseXmp(byte[]? packet, int? oversizedBytes, ReadContext context)
    {
        if (oversizedBytes is { } size)
        {
            context.Warn(DiagnosticCodes.UnreadableXmp, "XMP", $"packet of {size} bytes is over the {XmpPacketReader.MaxPacketBytes} byte limit; XMP ignored");
            return null;
        }

        return packet is null ? null : XmpPacketReader.Parse(packet, context);
    }

    /// <summary>MetadataExtractor's JPEG segment readers, less its XMP reader and its EXIF reader (which would hand
    /// tag 700 to XmpCore; <see cref="JpegExifReaderWithoutXmp"/> replaces it).</summary>
    private static readonly IJpegSegmentMetadataReader[] JpegReadersWithoutXmp =
    [
        new JpegReader(), new JpegCommentReader(), new JfifReader(), new JfxxReader(), new IccReader(),
        new PhotoshopReader(), new DuckyReader(), new IptcReader(), new AdobeJpegReader(), new JpegDhtReader(), new JpegDnlReader(),
    ];

    private static PhotoMetadata ReadDirectories(string path, IReadOnlyList<Directory> directories, IXmpMeta? xmp, ReadContext context)
    {
        foreach (var directory in directories)
        {
            foreach (var error in directory.Errors)
            {
                context.Warn(DiagnosticCodes.InvalidValue, directory.Name, error);
            }
        }

        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var subIfd = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        var gps = directories.OfType<GpsDirectory>().FirstOrDefault();
        var jpeg = directories.OfType<JpegDirectory>().FirstOrDefault();

        if (ifd0 is null && subIfd is null && gps is null && xmp is null)
        {
            context.Warn(DiagnosticCodes.NoMetadata, "EXIF", "the photo carries no EXIF or XMP metadata");
        }

        var (width, height) = ReadSize(jpeg, ifd0, path, context);
        string? make = Clean(ifd0?.GetString(ExifTags.Make));
        var (lat, lon, gpsAlt) = GpsReader.ReadPosition(gps, context);

        return new PhotoMetadata
        {
            FilePath = path,
            RawWidth = width,
            RawHeight = height,
            Orientation = ReadOrientation(ifd0, context),
            Make = make,
            Model = Clean(ifd0?.GetString(ExifTags.Model)),
            CapturedAt = CaptureTimeReader.Read(subIfd, gps, context),
            LatitudeDeg = lat,
            LongitudeDeg = lon,
            GpsAltitudeM = gpsAlt,
            GpsImageDirectionDeg = GpsReader.Rational(gps, ExifTags.GpsImgDirection, "GPSImgDirection", context),
            GpsHorizontalErrorM = GpsReader.Rational(gps, ExifTags.GpsHPositioningError, "GPSHPositioningError", context),
            FocalLengthMm = PositiveRational(subIfd, ExifTags.FocalLength, "FocalLength", context),
            FocalLength35mm = subIfd is not null && subIfd.TryGetInt32(ExifTags.FocalLengthIn35mmFormat, out int f35) && f35 > 0 ? f35 : null,
            Dji = xmp is null ? null : XmpReader.ReadDji(xmp, context),
            DjiMakerNote = ReadDjiMakerNote(directories.OfType<DjiMakernoteDirectory>().FirstOrDefault(), context),
            Pix4D = xmp is null ? null : XmpReader.ReadPix4D(xmp, context),
            SenseFly = xmp is null ? null : XmpReader.ReadSenseFly(xmp, context),
            Diagnostics = context.Diagnostics,
        };
    }

    private static (int? Width, int? Height) ReadSize(JpegDirectory? jpeg, ExifIfd0Directory? ifd0, string path, ReadContext context)
    {
        // The JPEG frame header is the truth; EXIF PixelXDimension often describes the sensor before a resize.
        if (jpeg is not null && jpeg.TryGetInt32(JpegDirectory.TagImageWidth, out int jw) && jpeg.TryGetInt32(JpegDirectory.TagImageHeight, out int jh) && jw > 0 && jh > 0)
        {
            return (jw, jh);
        }

        if (ifd0 is not null && ifd0.TryGetInt32(ExifTags.ImageWidth, out int tw) && ifd0.TryGetInt32(ExifTags.ImageHeight, out int th) && tw > 0 && th > 0)
        {
            return (tw, th);
        }

        try
        {
            // Only the formats DroneScan decodes: a GIF or BMP renamed .jpg has no size worth reporting.
            using var stream = File.OpenRead(path);
            var info = SixLabors.ImageSharp.Image.Identify(Pixels.PhotoDecoder.Configuration, stream);
            if (info is not null)
            {
                return (info.Width, info.Height);
            }
        }
        catch (Exception ex) when (ex is IOException or SixLabors.ImageSharp.ImageFormatException or SixLabors.ImageSharp.UnknownImageFormatException or NotSupportedException || IsParserBug(ex))
        {
            context.Error(DiagnosticCodes.NoImageSize, "ImageWidth/ImageHeight", Describe(ex));
            return (null, null);
        }

        context.Error(DiagnosticCodes.NoImageSize, "ImageWidth/ImageHeight", "no image size in the file header");
        return (null, null);
    }

    /// <summary>Channels and bits per channel of a TIFF's first image (a radiometric thermal TIFF has one channel of 16
    /// or 32 bits); absent tags mean the TIFF defaults (1 sample, 1 bit).</summary>
    private static SensorEvidence TiffLayout(ExifIfd0Directory? ifd0)
    {
        int? samples = ifd0 is null ? null : ifd0.TryGetInt32(ExifDirectoryBase.TagSamplesPerPixel, out int spp) ? spp : 1;
        int? bits = ifd0?.GetObject(ExifDirectoryBase.TagBitsPerSample) switch
        {
            null => ifd0 is null ? null : 1,
            Array { Length: > 0 } a => Convert.ToInt32(a.GetValue(0), CultureInfo.InvariantCulture),
            IConvertible c => c.ToInt32(CultureInfo.InvariantCulture),
            _ => null,
        };
        return new SensorEvidence { IsTiff = true, SamplesPerPixel = samples, BitsPerSample = bits };
    }

    private static int ReadOrientation(ExifIfd0Directory? ifd0, ReadContext context)
    {
        if (ifd0 is null || !ifd0.ContainsTag(ExifTags.Orientation))
        {
            return 1;
        }

        if (ifd0.TryGetInt32(ExifTags.Orientation, out int o) && o is >= 1 and <= 8)
        {
            return o;
        }

        context.Warn(DiagnosticCodes.InvalidValue, "Orientation", $"value '{ifd0.GetString(ExifTags.Orientation)}' is not 1–8; the image is taken as stored");
        return 1;
    }

    private static DjiMakerNoteAngles? ReadDjiMakerNote(DjiMakernoteDirectory? dir, ReadContext context)
    {
        if (dir is null
            || !dir.TryGetSingle(ExifTags.DjiCameraPitch, out float pitch)
            || !dir.TryGetSingle(ExifTags.DjiCameraYaw, out float yaw)
            || !dir.TryGetSingle(ExifTags.DjiCameraRoll, out float roll))
        {
            return null;
        }

        if (!float.IsFinite(pitch) || !float.IsFinite(yaw) || !float.IsFinite(roll))
        {
            context.Warn(DiagnosticCodes.InvalidValue, "DJI MakerNote CameraPitch/Yaw/Roll", "angles are not finite numbers; ignored");
            return null;
        }

        return new DjiMakerNoteAngles(yaw, pitch, roll);
    }

    private static double? PositiveRational(Directory? dir, int tag, string field, ReadContext context)
    {
        if (dir is null || !dir.TryGetRational(tag, out var r))
        {
            return null;
        }

        double v = r.ToDouble();
        if (!double.IsFinite(v) || v <= 0)
        {
            context.Warn(DiagnosticCodes.InvalidValue, field, $"value {r} is not a positive number; ignored");
            return null;
        }

        return v;
    }

    private static string? Clean(string? s)
    {
        s = s?.Replace("\0", string.Empty, StringComparison.Ordinal).Trim();
        return string.IsNullOrEmpty(s) ? null : s;
    }

    /// <summary>Anything but the runtime failing (out of memory, a bug in the reader's caller) is a problem
    /// of the file being read.</summary>
    private static bool IsFileProblem(Exception ex) => ex is not (OutOfMemoryException or InsufficientExecutionStackException or OperationCanceledException);

    /// <summary>
    /// Exceptions the third-party parsers throw for some malformed files instead of their own exception types:
    /// XmpCore (inside MetadataExtractor) throws InvalidCastException for text between XMP elements, and
    /// ImageSharp 2.1's JPEG Identify throws NullReferenceException when the APP0 length is wrong. They are
    /// problems of the file, so they become diagnostics like any other unreadable file.
    /// </summary>
    private static bool IsParserBug(Exception ex) =>
        ex is InvalidCastException or NullReferenceException or IndexOutOfRangeException or OverflowException or FormatException or System.Xml.XmlException;

    internal static string Describe(Exception ex) => ex switch
    {
        FileNotFoundException => "file not found",
        DirectoryNotFoundException => "folder not found",
        UnauthorizedAccessException => "permission denied",
        ImageProcessingException or MetadataException => $"not a readable image: {ex.Message}",
        IOException => ex.Message,
        _ when IsParserBug(ex) => $"malformed file: the parser failed with {ex.GetType().Name}",
        _ => $"malformed file ({ex.GetType().Name}: {ex.Message})",
    };
}

/// <summary>Collects diagnostics for one file.</summary>
internal sealed class ReadContext(string fileName, List<PhotoDiagnostic> diagnostics)
{
    public string FileName { get; } = fileName;

    public IReadOnlyList<PhotoDiagnostic> Diagnostics => diagnostics;

    public void Warn(string code, string field, string message) =>
        diagnostics.Add(new PhotoDiagnostic(FileName, DiagnosticSeverity.Warning, code, field, message));

    public void Error(string code, string field, string message) =>
        diagnostics.Add(new PhotoDiagnostic(FileName, DiagnosticSeverity.Error, code, field, message));
}
