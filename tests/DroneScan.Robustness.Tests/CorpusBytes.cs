using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Robustness.Tests;

/// <summary>Byte-level makers for the bad-input corpus: other formats, patched headers, hand-written files
/// that ImageSharp cannot write (CMYK JPEG, 16-bit TIFF).</summary>
internal static class CorpusBytes
{
    private static readonly byte[] Soi = [0xFF, 0xD8];
    private static readonly byte[] Eoi = [0xFF, 0xD9];

    /// <summary>A small picture in another format (what gets renamed .jpg).</summary>
    public static byte[] Encode(string format, int width = 64, int height = 48)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(90, 120, 60));
        using var stream = new MemoryStream();
        switch (format)
        {
            case "png": image.SaveAsPng(stream, new PngEncoder()); break;
            case "gif": image.SaveAsGif(stream, new GifEncoder()); break;
            case "bmp": image.SaveAsBmp(stream, new BmpEncoder()); break;
            case "tiff": image.SaveAsTiff(stream, new TiffEncoder()); break;
            case "webp": image.SaveAsWebp(stream, new WebpEncoder()); break;
            case "gray-jpeg": image.SaveAsJpeg(stream, new JpegEncoder { ColorType = JpegColorType.Luminance }); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }

        return stream.ToArray();
    }

    /// <summary>The first 64 bytes of an x86-64 ELF executable header, then zeros.</summary>
    public static byte[] ElfExecutable()
    {
        byte[] bytes = new byte[4096];
        byte[] header = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0, 1, 0, 0, 0];
        header.CopyTo(bytes, 0);
        return bytes;
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The JPEG with the first frame header's (SOFn) height and width replaced.</summary>
    public static byte[] WithJpegSize(byte[] jpeg, ushort width, ushort height)
    {
        byte[] copy = (byte[])jpeg.Clone();
        int sof = FindMarker(copy, m => m is 0xC0 or 0xC1 or 0xC2);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 5), height);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 7), width);
        return copy;
    }

    /// <summary>A valid PNG (correct CRCs) whose header declares <paramref name="width"/> × <paramref name="height"/>
    /// but whose data holds a single row: a decompression bomb refused from the header.</summary>
    public static byte[] PngDeclaring(uint width, uint height)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        PngChunk(stream, "IHDR", ihdr);
        PngChunk(stream, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        PngChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    /// <summary>An uncompressed TIFF, grayscale, with <paramref name="bitsPerSample"/> bits per pixel (16: what
    /// multispectral and thermal cameras write).</summary>
    /// <param name="xmp">A packet for tag 700 (XMLPacket, type UNDEFINED), stored after the pixels; null for none.</param>
    public static byte[] GrayTiff(int width, int height, ushort bitsPerSample, byte[]? xmp = null)
    {
        int bytesPerPixel = bitsPerSample / 8;
        int dataLength = width * height * bytesPerPixel;
        int entries = xmp is null ? 9 : 10;
        int ifdOffset = 8;
        int dataOffset = ifdOffset + 2 + (entries * 12) + 4;
        int xmpOffset = dataOffset + dataLength;
        byte[] tiff = new byte[xmpOffset + (xmp?.Length ?? 0)];
        "II"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), (uint)ifdOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(ifdOffset), (ushort)entries);
        (ushort Tag, ushort Type, uint Value)[] fields =
        [
            (256, 4, (uint)width), (257, 4, (uint)height), (258, 3, bitsPerSample), (259, 3, 1), (262, 3, 1),
            (273, 4, (uint)dataOffset), (277, 3, 1), (278, 4, (uint)height), (279, 4, (uint)dataLength),
            .. (xmp is null ? Array.Empty<(ushort, ushort, uint)>() : [((ushort)700, (ushort)7, (uint)xmpOffset)]),
        ];
        for (int i = 0; i < fields.Length; i++)
        {
            var span = tiff.AsSpan(ifdOffset + 2 + (i * 12));
            BinaryPrimitives.WriteUInt16LittleEndian(span, fields[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(span[2..], fields[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], fields[i].Tag == 700 ? (uint)xmp!.Length : 1);
            if (fields[i].Type == 3)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)fields[i].Value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[8..], fields[i].Value);
            }
        }

        for (int i = dataOffset; i < xmpOffset; i++)
        {
            tiff[i] = (byte)(i * 7);
        }

        xmp?.CopyTo(tiff, xmpOffset);

        return tiff;
    }

    /// <summary>
    /// A 16 × 16 baseline JPEG with four components and an Adobe APP14 marker (transform 0): CMYK, as print
    /// workflows write. ImageSharp cannot encode CMYK, so it is written by hand: every block is flat (DC
    /// difference 0, then end-of-block), with one-symbol Huffman tables, so each block is two 0 bits.
    /// </summary>
    public static byte[] CmykJpeg()
    {
        using var s = new MemoryStream();
        s.Write(Soi);
        Segment(s, 0xEE, [.. "Adobe"u8, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]);
        Segment(s, 0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]);
        Segment(s, 0xC0, [8, 0, 16, 0, 16, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]);
        byte[] oneCodeTable = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00];
        Segment(s, 0xC4, [0x00, .. oneCodeTable]);
        Segment(s, 0xC4, [0x10, .. oneCodeTable]);
        Segment(s, 0xDA, [4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0]);
        s.Write([0x00, 0x00, 0x00, 0x00]); // 4 MCUs × 4 blocks × 2 bits
        s.Write(Eoi);
        return s.ToArray();
    }

    /// <summary>The JPEG with extra segments inserted right after SOI.</summary>
    public static byte[] InsertAfterSoi(byte[] jpeg, params byte[][] segments)
    {
        using var s = new MemoryStream();
        s.Write(Soi);
        foreach (var segment in segments)
        {
            s.Write(segment);
        }

        s.Write(jpeg.AsSpan(2));
        return s.ToArray();
    }

    /// <summary>One marker segment: FF, marker, big-endian length (including itself), payload.</summary>
    public static byte[] SegmentBytes(byte marker, ReadOnlySpan<byte> payload)
    {
        byte[] bytes = new byte[4 + payload.Length];
        bytes[0] = 0xFF;
        bytes[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    /// <summary>An APP1 EXIF segment holding a hand-written little-endian TIFF structure.</summary>
    public static byte[] ExifSegment(ReadOnlySpan<byte> tiff) => SegmentBytes(0xE1, [.. "Exif\0\0"u8, .. tiff]);

    /// <summary>An APP1 XMP segment holding the packet as given.</summary>
    public static byte[] XmpSegment(ReadOnlySpan<byte> packet) => SegmentBytes(0xE1, [.. "http://ns.adobe.com/xap/1.0/\0"u8, .. packet]);

    /// <summary>A little-endian TIFF header and IFD0 of <paramref name="entries"/> (tag, type, count, value).</summary>
    public static byte[] TiffIfd(uint nextIfd, params (ushort Tag, ushort Type, uint Count, uint Value)[] entries)
    {
        byte[] tiff = new byte[8 + 2 + (entries.Length * 12) + 4];
        "II"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), (ushort)entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            var span = tiff.AsSpan(10 + (i * 12));
            BinaryPrimitives.WriteUInt16LittleEndian(span, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(span[2..], entries[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], entries[i].Count);
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], entries[i].Value);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(tiff.Length - 4), nextIfd);
        return tiff;
    }

    /// <summary>Offset of the first marker (FF xx) whose code matches, scanning segment by segment from SOI.</summary>
    public static int FindMarker(byte[] jpeg, Func<byte, bool> match)
    {
        int i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            if (match(jpeg[i + 1]))
            {
                return i;
            }

            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }

        throw new InvalidOperationException("marker not found");
    }

    private static void Segment(Stream stream, byte marker, byte[] payload) => stream.Write(SegmentBytes(marker, payload));

    private static void PngChunk(Stream stream, string type, byte[] data)
    {
        byte[] length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        byte[] crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        stream.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
