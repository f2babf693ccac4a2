namespace DroneScan.Core.Detection;

/// <summary>One tile: a window of the (possibly rescaled) oriented image, in its pixels. A tile is smaller than
/// the model input only when the image itself is.</summary>
public readonly record struct Tile(int Index, int X, int Y, int Width, int Height);

/// <summary>
/// Cuts an image into overlapping tiles of the model's input size. Tiles step by size × (1 − overlap); the last
/// tile of each row and column is aligned to the image border rather than padded, so every tile is full of
/// image unless the image is smaller than a tile.
/// </summary>
public static class TilePlan
{
    public static IReadOnlyList<Tile> Create(int imageWidth, int imageHeight, int tileSize, double overlapRatio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 1);
        if (!(overlapRatio >= 0 && overlapRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(overlapRatio), overlapRatio, "overlap must be in [0, 1)");
        }

        var xs = Starts(imageWidth, tileSize, overlapRatio);
        var ys = Starts(imageHeight, tileSize, overlapRatio);
        var tiles = new List<Tile>(xs.Count * ys.Count);
        foreach (int y in ys)
        {
            foreach (int x in xs)
            {
                tiles.Add(new Tile(tiles.Count, x, y, Math.Min(tileSize, imageWidth), Math.Min(tileSize, imageHeight)));
            }
        }

        return tiles;
    }

    /// <summary>Start offsets along one axis of length <paramref name="length"/>.</summary>
    internal static List<int> Starts(int length, int tileSize, double overlapRatio)
    {
        if (length <= tileSize)
        {
            return [0];
        }

        int stride = Math.Max(1, tileSize - (int)Math.Round(tileSize * overlapRatio));
        var starts = new List<int>();
        for (int s = 0; s + tileSize < length; s += stride)
        {
            starts.Add(s);
        }

        starts.Add(length - tileSize);
        return starts;
    }

    /// <summary>
    /// GSD-normalised scale: the factor to resize a photo by so that objects appear at the size the model learned,
    /// photo GSD / model GSD, clamped to [min, max]. A photo flown at half the model's GSD is shrunk by half
    /// (a quarter of the pixels). 1 when either GSD is unknown.
    /// </summary>
    public static double GsdScale(double? photoGsdM, double? modelGsdM, double minScale = 0.25, double maxScale = 4)
    {
        if (photoGsdM is not { } p || modelGsdM is not { } m || !(p > 0) || !(m > 0) || !double.IsFinite(p) || !double.IsFinite(m))
        {
            return 1;
        }

        return Math.Clamp(p / m, minScale, maxScale);
    }
}
