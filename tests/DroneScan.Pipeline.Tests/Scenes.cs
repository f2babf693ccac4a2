using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Pipeline.Tests;

/// <summary>Synthetic photos for the white-box fixture detector: white rectangles on black.</summary>
internal static class Scenes
{
    public static string WhiteBoxModel => Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256.onnx");

    /// <summary>A black image with white rectangles given as (x1, y1, x2, y2), pixel edges.</summary>
    public static Image<Rgb24> Draw(int width, int height, params (int X1, int Y1, int X2, int Y2)[] rectangles)
    {
        var image = new Image<Rgb24>(width, height, new Rgb24(0, 0, 0));
        foreach (var (x1, y1, x2, y2) in rectangles)
        {
            for (int y = y1; y < y2; y++)
            {
                for (int x = x1; x < x2; x++)
                {
                    image[x, y] = new Rgb24(255, 255, 255);
                }
            }
        }

        return image;
    }

    /// <summary>Saves as a JPEG (quality 100) with an EXIF Orientation tag.</summary>
    public static string SaveJpeg(Image<Rgb24> image, string folder, string name, ushort orientation = 1)
    {
        image.Metadata.ExifProfile ??= new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        string path = Path.Combine(folder, name);
        image.SaveAsJpeg(path, new JpegEncoder { Quality = 100 });
        return path;
    }
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("dronescan-test-").FullName;

    public void Dispose() => Directory.Delete(Path, true);
}
