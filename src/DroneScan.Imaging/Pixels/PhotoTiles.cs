using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Imaging.Pixels;

/// <summary>
/// A photo's upright image cut into full-resolution JPEG tiles, kept in one file: a crop decodes only the tiles it
/// overlaps (a 200 px review chip: 1–4 tiles of 256 px, a few milliseconds) instead of the whole 20-MP photo
/// (≈ 0.2–0.4 s). ImageSharp 2.1 cannot decode a region of a JPEG, nor decode one at a reduced size, so the photo is
/// decoded once, when its tile file is written.
/// </summary>
/// <remarks>
/// File layout (little-endian): "DSPT", version (int32 = 1), width, height, tile size (int32 each), then per tile in
/// row-major order its offset (int64, from the file start) and length (int32), then the tiles' JPEG bytes. Tiles are
/// re-encoded at quality <see cref="JpegQuality"/>: close to the original for a person's eye, not for measurement.
/// </remarks>
public static class PhotoTiles
{
    /// <summary>Tile side, pixels.</summary>
    public const int TileSize = 256;

    /// <summary>JPEG quality of the tiles.</summary>
    public const int JpegQuality = 92;

    private const int Version = 1;
    private const int HeaderBytes = 4 + (4 * 4);
    private const int EntryBytes = 8 + 4;
    private static ReadOnlySpan<byte> Magic => "DSPT"u8;

    /// <summary>Decodes the photo (EXIF orientation applied, as every DroneScan pixel coordinate) and writes its tile
    /// file (<see cref="WriteFile"/>).</summary>
    /// <exception cref="PhotoDecodeException">The photo cannot be decoded.</exception>
    public static void Write(string photoPath, string tilePath, long maxPixels = PhotoDecoder.DefaultMaxPixels)
    {
        using var image = PhotoDecoder.LoadOriented(photoPath, maxPixels);
        WriteFile(image, tilePath);
    }

    /// <summary>Writes the tile file of an upright image to <paramref name="tilePath"/>: to a temporary name first, then
    /// moved into place, so a reader never sees half a file and two writers of one photo leave one whole file.</summary>
    public static void WriteFile(Image<Rgb24> image, string tilePath)
    {
        ArgumentNullException.ThrowIfNull(tilePath);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(tilePath))!);
        string temporary = tilePath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                Write(image, file);
            }

            File.Move(temporary, tilePath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the tile file of an upright image to a seekable stream.</summary>
    public static void Write(Image<Rgb24> image, Stream output)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        int columns = Columns(image.Width);
        int rows = Columns(image.Height);
        int count = columns * rows;
        var header = new byte[HeaderBytes + (count * EntryBytes)];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), Version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), image.Height);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), TileSize);
        output.Write(header);

        var encoder = new JpegEncoder { Quality = JpegQuality };
        for (int i = 0; i < count; i++)
        {
            var area = TileArea(i % columns, i / columns, image.Width, image.Height);
            long offset = output.Position;
            using (var cut = image.Clone(c => c.Crop(area)))
            {
                cut.SaveAsJpeg(output, encoder);
            }

            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(HeaderBytes + (i * EntryBytes)), offset);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(HeaderBytes + (i * EntryBytes) + 8), checked((int)(output.Position - offset)));
        }

        output.Position = 0;
        output.Write(header);
        output.Position = output.Length;
    }

    /// <summary>Width and height of the upright image a tile file holds.</summary>
    /// <exception cref="InvalidDataException">Not a tile file of this version.</exception>
    public static Size ReadSize(Stream tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        var header = ReadHeader(tiles);
        return new Size(header.Width, header.Height);
    }

    /// <summary>The part <paramref name="area"/> of the upright image (clipped to it), decoded from the tiles it
    /// overlaps only.</summary>
    /// <exception cref="InvalidDataException">Not a whole tile file of this version.</exception>
    public static Image<Rgb24> Crop(Stream tiles, Rectangle area)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        var header = ReadHeader(tiles);
        area = Rectangle.Intersect(area, new Rectangle(0, 0, header.Width, header.Height));
        if (area.Width <= 0 || area.Height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(area), "the area lies outside the image");
        }

        int columns = Columns(header.Width);
        var result = new Image<Rgb24>(area.Width, area.Height);
        try
        {
            for (int row = area.Top / TileSize; row <= (area.Bottom - 1) / TileSize; row++)
            {
                for (int column = area.Left / TileSize; column <= (area.Right - 1) / TileSize; column++)
                {
                    var (offset, length) = header.Entries[(row * columns) + column];
                    var bytes = new byte[length];
                    tiles.Position = offset;
                    tiles.ReadExactly(bytes);
                    using var tile = Image.Load<Rgb24>(PhotoDecoder.Configuration, bytes);
                    var tileArea = TileArea(column, row, header.Width, header.Height);
                    if (tile.Width != tileArea.Width || tile.Height != tileArea.Height)
                    {
                        throw new InvalidDataException($"tile {column},{row} is {tile.Width} × {tile.Height}, not {tileArea.Width} × {tileArea.Height}");
                    }

                    result.Mutate(c => c.DrawImage(tile, new Point(tileArea.X - area.X, tileArea.Y - area.Y), 1f));
                }
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static int Columns(int pixels) => (pixels + TileSize - 1) / TileSize;

    private static Rectangle TileArea(int column, int row, int width, int height) => new(
        column * TileSize, row * TileSize, Math.Min(TileSize, width - (column * TileSize)), Math.Min(TileSize, height - (row * TileSize)));

    private static (int Width, int Height, (long Offset, int Length)[] Entries) ReadHeader(Stream tiles)
    {
        tiles.Position = 0;
        Span<byte> fixedPart = stackalloc byte[HeaderBytes];
        tiles.ReadExactly(fixedPart);
        int width = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[8..]);
        int height = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[12..]);
        if (!fixedPart[..4].SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(fixedPart[4..]) != Version
            || BinaryPrimitives.ReadInt32LittleEndian(fixedPart[16..]) != TileSize || width is < 1 or > 1_000_000 || height is < 1 or > 1_000_000)
        {
            throw new InvalidDataException("not a DroneScan photo tile file of this version");
        }

        int count = Columns(width) * Columns(height);
        var table = new byte[count * EntryBytes];
        tiles.ReadExactly(table);
        var entries = new (long, int)[count];
        for (int i = 0; i < count; i++)
        {
            long offset = BinaryPrimitives.ReadInt64LittleEndian(table.AsSpan(i * EntryBytes));
            int length = BinaryPrimitives.ReadInt32LittleEndian(table.AsSpan((i * EntryBytes) + 8));
            if (offset < HeaderBytes + table.Length || length <= 0 || offset + length > tiles.Length)
            {
                throw new InvalidDataException($"tile {i} lies outside the file");
            }

            entries[i] = (offset, length);
        }

        return (width, height, entries);
    }
}
