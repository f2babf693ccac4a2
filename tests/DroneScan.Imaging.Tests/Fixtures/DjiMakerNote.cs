using System.Buffers.Binary;

namespace DroneScan.Imaging.Tests.Fixtures;

/// <summary>
/// A DJI MakerNote as older DJI cameras (FC300X, FC350) write it: a bare TIFF IFD, no header, with offsets
/// relative to the EXIF TIFF header. All entries here are single FLOATs (type 11, count 1), whose 4-byte value
/// sits inline in the entry, so the IFD needs no offsets and can be placed anywhere.
/// </summary>
internal static class DjiMakerNote
{
    public const ushort CameraPitchTag = 0x0009;
    public const ushort CameraYawTag = 0x000A;
    public const ushort CameraRollTag = 0x000B;

    private const ushort FloatType = 11;

    /// <summary>The IFD bytes in the EXIF block's byte order (ImageSharp writes little-endian, "II").</summary>
    public static byte[] Build(float cameraPitchDeg, float cameraYawDeg, float cameraRollDeg, bool littleEndian = true)
    {
        (ushort Tag, float Value)[] entries = [(CameraPitchTag, cameraPitchDeg), (CameraYawTag, cameraYawDeg), (CameraRollTag, cameraRollDeg)];
        var bytes = new byte[2 + (12 * entries.Length) + 4];
        var span = bytes.AsSpan();
        WriteUInt16(span, (ushort)entries.Length, littleEndian);
        for (int i = 0; i < entries.Length; i++)
        {
            var e = span.Slice(2 + (12 * i), 12);
            WriteUInt16(e, entries[i].Tag, littleEndian);
            WriteUInt16(e[2..], FloatType, littleEndian);
            WriteUInt32(e[4..], 1, littleEndian);
            WriteUInt32(e[8..], BitConverter.SingleToUInt32Bits(entries[i].Value), littleEndian);
        }

        // The next-IFD offset (last four bytes) stays 0.
        return bytes;
    }

    private static void WriteUInt16(Span<byte> span, ushort value, bool littleEndian)
    {
        if (littleEndian)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
    }

    private static void WriteUInt32(Span<byte> span, uint value, bool littleEndian)
    {
        if (littleEndian)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
    }
}
