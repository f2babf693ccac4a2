using System.Xml;
using DroneScan.Core.Photos;
using MetadataExtractor.Formats.Jpeg;
using XmpCore;
using Directory = MetadataExtractor.Directory;

namespace DroneScan.Imaging.Metadata;

/// <summary>
/// Parses a photo's XMP packet defensively. XMP is XML from an untrusted file, so it is first read with a
/// hardened <see cref="XmlReader"/>: no DTD at all (so no entity expansion, "billion laughs", and no external
/// entity or DTD fetched from the disk or the network), no resolver, bounded size. Only a packet that passes is
/// handed to XmpCore. A packet that fails either step is a warning: the photo's EXIF and GPS are still used.
/// </summary>
internal static class XmpPacketReader
{
    /// <summary>Largest packet read. A standard JPEG XMP segment holds at most 65 502 bytes; TIFF tag 700 has no
    /// limit, but no camera writes megabytes of XMP.</summary>
    public const int MaxPacketBytes = 1 << 20;

    private static readonly XmlReaderSettings Hardened = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 4L * MaxPacketBytes,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        CloseInput = true,
    };

    public static IXmpMeta? Parse(byte[] packet, ReadContext context)
    {
        if (packet.Length > MaxPacketBytes)
        {
            context.Warn(DiagnosticCodes.UnreadableXmp, "XMP", $"packet of {packet.Length} bytes is over the {MaxPacketBytes} byte limit; XMP ignored");
            return null;
        }

        try
        {
            using var reader = XmlReader.Create(new MemoryStream(packet, writable: false), Hardened);
            while (reader.Read())
            {
            }
        }
        catch (XmlException ex)
        {
            context.Warn(DiagnosticCodes.UnreadableXmp, "XMP", $"refused ({ex.Message}); XMP ignored, EXIF used");
            return null;
        }

        try
        {
            return XmpMetaFactory.ParseFromBuffer(packet);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or InsufficientExecutionStackException))
        {
            // XmpCore throws XmpException, and for some malformed RDF InvalidCastException or NullReferenceException.
            context.Warn(DiagnosticCodes.UnreadableXmp, "XMP", $"unreadable ({ex.GetType().Name}: {ex.Message}); XMP ignored, EXIF used");
            return null;
        }
    }
}

/// <summary>Collects the standard XMP packet of a JPEG (APP1 "http://ns.adobe.com/xap/1.0/") instead of letting
/// MetadataExtractor parse it, so that <see cref="XmpPacketReader"/> does. Extended XMP is not read.</summary>
internal sealed class JpegXmpSegmentCollector : IJpegSegmentMetadataReader
{
    private static readonly byte[] Preamble = "http://ns.adobe.com/xap/1.0/\0"u8.ToArray();

    /// <summary>The first packet found, without its preamble.</summary>
    public byte[]? Packet { get; private set; }

    public ICollection<JpegSegmentType> SegmentTypes { get; } = [JpegSegmentType.App1];

    public IReadOnlyList<Directory> ReadJpegSegments(IEnumerable<JpegSegment> segments)
    {
        foreach (var segment in segments)
        {
            if (Packet is null && segment.Bytes.AsSpan().StartsWith(Preamble))
            {
                Packet = segment.Bytes[Preamble.Length..];
            }
        }

        return [];
    }
}

/// <summary>
/// Notes a FLIR APP1 segment (preamble <c>FLIR\0</c>) in a JPEG: the radiometric record of FLIR cameras and of DJI
/// thermal payloads built on FLIR cores. Only its presence matters (the photo is thermal); its content is not parsed.
/// </summary>
internal sealed class JpegFlirSegmentDetector : IJpegSegmentMetadataReader
{
    private static readonly byte[] Preamble = "FLIR\0"u8.ToArray();

    public bool Found { get; private set; }

    public ICollection<JpegSegmentType> SegmentTypes { get; } = [JpegSegmentType.App1];

    public IReadOnlyList<Directory> ReadJpegSegments(IEnumerable<JpegSegment> segments)
    {
        Found |= segments.Any(s => s.Bytes.AsSpan().StartsWith(Preamble));
        return [];
    }
}
