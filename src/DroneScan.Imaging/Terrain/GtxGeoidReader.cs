using System.Buffers.Binary;
using DroneScan.Core.Terrain;

namespace DroneScan.Imaging.Terrain;

/// <summary>
/// Reads a geoid undulation grid in NOAA's GTX format (as Debian's proj-data ships EGM96:
/// <c>/usr/share/proj/egm96_15.gtx</c>): a 40-byte big-endian header — latitude and longitude of the south-west
/// sample, latitude and longitude steps (degrees, doubles), rows and columns (int32) — then the rows as
/// big-endian float32, south row first. −88.8888 marks a missing value.
/// </summary>
public static class GtxGeoidReader
{
    /// <summary>Where Debian's proj-data puts the EGM96 15′ grid.</summary>
    public const string DebianEgm96Path = "/usr/share/proj/egm96_15.gtx";

    public static ElevationGrid Read(string path)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new DemFileException(path == DebianEgm96Path
                ? $"{name}: the EGM96 geoid grid {DebianEgm96Path} is missing; install it with 'apt-get install proj-data' (Debian/Ubuntu) or pass --egm96-grid FILE"
                : $"{name}: geoid grid not found");
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 40)
        {
            throw new DemFileException($"{name}: too short to be a GTX geoid grid");
        }

        double south = BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(0));
        double west = BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(8));
        double dLat = BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(16));
        double dLon = BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(24));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(32));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(36));
        if (rows < 2 || cols < 2 || !(dLat > 0 && dLon > 0) || bytes.Length < 40 + (4L * rows * cols))
        {
            throw new DemFileException($"{name}: not a GTX geoid grid (header says {rows} × {cols} samples, file has {bytes.Length} bytes)");
        }

        // Rows are stored south first; the grid wants north first. Longitudes may be given 0–360.
        var values = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                float v = BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(40 + (4 * ((r * cols) + c))));
                values[((rows - 1 - r) * cols) + c] = Math.Abs(v - -88.8888f) < 1e-3 ? float.NaN : v;
            }
        }

        double westDeg = west > 180 ? west - 360 : west;
        return new ElevationGrid(name, cols, rows, values, westDeg, south + ((rows - 1) * dLat), dLon, dLat, GridProjection.Geographic, 0);
    }
}
