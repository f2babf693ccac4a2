using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Imaging.Tests;

public sealed class PhotoTilesTests
{
    /// <summary>A smooth image (JPEG keeps it within a few levels) that differs everywhere, so a misplaced tile shows.</summary>
    private static Image<Rgb24> Gradient(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x + y) % 64 * 2));
                }
            }
        });
        return image;
    }

    private static double MeanAbsoluteDifference(Image<Rgb24> a, Image<Rgb24> b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        double sum = 0;
        for (int y = 0; y < a.Height; y++)
        {
            for (int x = 0; x < a.Width; x++)
            {
                var p = a[x, y];
                var q = b[x, y];
                sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
            }
        }

        return sum / (3.0 * a.Width * a.Height);
    }

    [Theory]
    [InlineData(0, 0, 40, 30)]          // inside the first tile
    [InlineData(200, 230, 120, 90)]     // across four tiles
    [InlineData(560, 300, 300, 200)]    // reaching past the right and bottom edges: clipped
    [InlineData(255, 0, 2, 2)]          // two pixels either side of a tile border
    public void Crop_GivesThePixelsOfTheImage_FromTheTilesItOverlaps(int x, int y, int width, int height)
    {
        using var image = Gradient(700, 450);
        using var file = new MemoryStream();
        PhotoTiles.Write(image, file);

        var area = Rectangle.Intersect(new Rectangle(x, y, width, height), new Rectangle(0, 0, 700, 450));
        using var crop = PhotoTiles.Crop(file, new Rectangle(x, y, width, height));
        using var expected = image.Clone(c => c.Crop(area));

        Assert.Equal(new Size(700, 450), PhotoTiles.ReadSize(file));
        Assert.True(MeanAbsoluteDifference(expected, crop) < 2.5, "tiles are JPEG at quality 92: a few levels at most on average");
    }

    [Fact]
    public void Crop_RefusesAFileThatIsNotATileFile_OrIsCutShort()
    {
        using var image = Gradient(300, 300);
        using var file = new MemoryStream();
        PhotoTiles.Write(image, file);
        byte[] whole = file.ToArray();

        Assert.Throws<InvalidDataException>(() => PhotoTiles.ReadSize(new MemoryStream("not a tile file at all"u8.ToArray())));
        Assert.Throws<InvalidDataException>(() => PhotoTiles.Crop(new MemoryStream(whole[..(whole.Length - 100)]), new Rectangle(0, 0, 10, 10)));
    }

    [Fact]
    public void WriteFile_LeavesOneWholeFile_AndNoTemporaryFile()
    {
        string folder = Directory.CreateTempSubdirectory("dronescan-tiles-").FullName;
        try
        {
            using var image = Gradient(300, 200);
            string path = Path.Combine(folder, ".chips", "photo.tiles");
            PhotoTiles.WriteFile(image, path);
            PhotoTiles.WriteFile(image, path);

            Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
            using var stream = File.OpenRead(path);
            Assert.Equal(new Size(300, 200), PhotoTiles.ReadSize(stream));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
