using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Tiff;
using MetadataExtractor.IO;
using Directory = MetadataExtractor.Directory;

namespace DroneScan.Imaging.Metadata;

/// <summary>
/// The XMP packet of EXIF/TIFF tag 700 (XMLPacket), kept as bytes for <see cref="XmpPacketReader"/>. MetadataExtractor's
/// own EXIF handler hands that tag to its XmpReader (XmpCore), which would parse untrusted XML without our limits;
/// this handler takes the tag first, so XmpCore never sees it. Used for TIFF files and for the EXIF of JPEGs.
/// </summary>
internal sealed class XmpTagCapturingTiffHandler(List<Directory> directories) : ExifTiffHandler(directories)
{
    /// <summary>EXIF/TIFF XMLPacket (<c>ExifDirectoryBase.TagApplicationNotes</c>).</summary>
    public const int XmpTag = 700;

    /// <summary>The first tag-700 packet (trailing NULs removed); null when none, or when it was over the limit.</summary>
    public byte[]? Packet { get; private set; }

    /// <summary>The declared size of a packet over <see cref="XmpPacketReader.MaxPacketBytes"/>, which was not read.</summary>
    public int? OversizedBytes { get; private set; }

    public override bool CustomProcessTag(int tagOffset, ICollection<int> processedIfdOffsets, IndexedReader reader, int tagId, int byteCount)
    {
        if (tagId != XmpTag)
        {
            return base.CustomProcessTag(tagOffset, processedIfdOffsets, reader, tagId, byteCount);
        }

        if (Packet is null && OversizedBytes is null)
        {
            if (byteCount > XmpPacketReader.MaxPacketBytes)
            {
                OversizedBytes = byteCount;
            }
            else if (byteCount > 0)
            {
                // A count past the end of the data throws here, as any other tag would: the file is damaged.
                byte[] bytes = reader.GetBytes(tagOffset, byteCount);
                int end = bytes.Length;
                while (end > 0 && bytes[end - 1] == 0)
                {
                    end--;
                }

                Packet = bytes[..end];
            }
        }

        return true; // handled: MetadataExtractor neither parses nor stores it
    }

    /// <summary>Reads a TIFF file's directories, with tag 700 captured.</summary>
    public static (IReadOnlyList<Directory> Directories, XmpTagCapturingTiffHandler Handler) ReadTiff(Stream stream)
    {
        var directories = new List<Directory>();
        var handler = new XmpTagCapturingTiffHandler(directories);
        TiffReader.ProcessTiff(new IndexedSeekingReader(stream), handler);
        return (directories, handler);
    }
}

/// <summary>MetadataExtractor's JPEG EXIF (APP1 "Exif\0\0") reader, with tag 700 captured by
/// <see cref="XmpTagCapturingTiffHandler"/> instead of parsed by XmpCore.</summary>
internal sealed class JpegExifReaderWithoutXmp : IJpegSegmentMetadataReader
{
    private static readonly byte[] Preamble = "Exif\0\0"u8.ToArray();

    /// <summary>The first tag-700 packet of the EXIF segments, as <see cref="XmpTagCapturingTiffHandler.Packet"/>.</summary>
    public byte[]? Packet { get; private set; }

    /// <summary>As <see cref="XmpTagCapturingTiffHandler.OversizedBytes"/>.</summary>
    public int? OversizedBytes { get; private set; }

    public ICollection<JpegSegmentType> SegmentTypes { get; } = [JpegSegmentType.App1];

    public IReadOnlyList<Directory> ReadJpegSegments(IEnumerable<JpegSegment> segments)
    {
        var directories = new List<Directory>();
        foreach (var segment in segments)
        {
            if (!segment.Bytes.AsSpan().StartsWith(Preamble))
            {
                continue;
            }

            var handler = new XmpTagCapturingTiffHandler(directories);
            try
            {
                TiffReader.ProcessTiff(new ByteArrayReader(segment.Bytes, Preamble.Length), handler);
            }
            catch (Exception ex) when (ex is TiffProcessingException or IOException)
            {
                // As MetadataExtractor's ExifReader: damaged EXIF is an error of its own, the rest of the file is read.
                directories.Add(new ErrorDirectory("Exception processing TIFF data: " + ex.Message));
            }

            Packet ??= handler.Packet;
            OversizedBytes ??= handler.OversizedBytes;
        }

        return directories;
    }
}
