using DroneScan.Core.Geodesy;
using DroneScan.Core.Photos;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Pipeline.Tests;

/// <summary>
/// A small survey flight for the white-box fixture model: nadir photos (512 × 384 px, 40 m AGL, focal 2000 px,
/// so 2 cm/px and 10.2 × 7.7 m on the ground) taken every 3 m along a line to the east, with EXIF GPS and
/// GPSImgDirection 0 (image top = north). Each planted item is a white 8 × 8 px square drawn where the same
/// camera model that <c>scan</c> uses puts it, so its ground truth is exact up to pixel rounding.
/// </summary>
internal static class SyntheticFlight
{
    public const int Width = 512;
    public const int Height = 384;
    public const int PhotoCount = 6;
    public const double StepEastM = 3;

    /// <summary>What the photos do not say: height above ground and focal length.</summary>
    public static GeoreferenceOptions Georeference { get; } = new() { AltitudeAglM = 40, FocalLengthPx = 2000 };

    private static readonly GeoPoint Origin = new(45.0, 15.0);

    /// <summary>Planted items as (east, north) metres from the first camera; no two share a pixel row or column
    /// in any photo (the fixture assumes one rectangle per row and column of a tile).</summary>
    public static IReadOnlyList<(string Id, double EastM, double NorthM)> Items { get; } =
    [
        ("a", 1.0, 0.9),
        ("b", 4.3, -1.7),
        ("c", 7.6, 2.4),
        ("d", 11.9, -0.6),
    ];

    public static GeoPoint ItemPosition(string id)
    {
        var item = Items.Single(i => i.Id == id);
        return Offset(item.EastM, item.NorthM);
    }

    /// <summary>Writes the photos <c>photo-1.jpg</c> … into <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> Write(string folder)
    {
        var files = new List<string>();
        for (int i = 0; i < PhotoCount; i++)
        {
            var camera = Offset(i * StepEastM, 0);
            var metadata = new PhotoMetadata
            {
                FilePath = "planning.jpg",
                RawWidth = Width,
                RawHeight = Height,
                LatitudeDeg = camera.LatitudeDeg,
                LongitudeDeg = camera.LongitudeDeg,
                GpsImageDirectionDeg = 0,
            };
            var geo = PhotoGeoreferencer.Resolve(metadata, Georeference).Georeference
                ?? throw new InvalidOperationException("the synthetic camera does not georeference");

            var squares = new List<(int, int, int, int)>();
            foreach (var item in Items)
            {
                if (geo.GroundToPixel(Offset(item.EastM, item.NorthM)) is { } p && p.U > 12 && p.U < Width - 12 && p.V > 12 && p.V < Height - 12)
                {
                    int x = (int)Math.Round(p.U) - 4, y = (int)Math.Round(p.V) - 4;
                    squares.Add((x, y, x + 8, y + 8));
                }
            }

            using var image = Scenes.Draw(Width, Height, [.. squares]);
            files.Add(Save(image, folder, $"photo-{i + 1}.jpg", camera));
        }

        return files;
    }

    /// <summary>How many photos see each item whole (at least 12 px inside the frame).</summary>
    public static int PhotosSeeing(string id)
    {
        var item = Items.Single(i => i.Id == id);
        int n = 0;
        for (int i = 0; i < PhotoCount; i++)
        {
            double du = (item.EastM - (i * StepEastM)) / 0.02, dv = item.NorthM / 0.02;
            n += Math.Abs(du) < (Width / 2) - 12 && Math.Abs(dv) < (Height / 2) - 12 ? 1 : 0;
        }

        return n;
    }

    /// <summary>Horizontal distance between two WGS84 points, metres (local tangent plane).</summary>
    public static double DistanceM(GeoPoint a, GeoPoint b)
    {
        double north = (a.LatitudeDeg - b.LatitudeDeg) * 111_132.0;
        double east = (a.LongitudeDeg - b.LongitudeDeg) * 111_320.0 * Math.Cos(a.LatitudeDeg * Math.PI / 180);
        return Math.Sqrt((north * north) + (east * east));
    }

    private static GeoPoint Offset(double eastM, double northM) => new(
        Origin.LatitudeDeg + (northM / 111_132.0),
        Origin.LongitudeDeg + (eastM / (111_320.0 * Math.Cos(Origin.LatitudeDeg * Math.PI / 180))));

    private static string Save(Image<Rgb24> image, string folder, string name, GeoPoint camera)
    {
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, Dms(camera.LatitudeDeg));
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, Dms(camera.LongitudeDeg));
        exif.SetValue(ExifTag.GPSImgDirectionRef, "T");
        exif.SetValue(ExifTag.GPSImgDirection, new Rational(0, 1, false));
        image.Metadata.ExifProfile = exif;
        string path = Path.Combine(folder, name);
        image.SaveAsJpeg(path, new JpegEncoder { Quality = 100 });
        return path;
    }

    // Fractional degrees with 10⁻⁹ resolution (about 0.1 mm), 0 minutes, 0 seconds.
    private static Rational[] Dms(double degrees) => [new Rational((uint)Math.Round(degrees * 1e7), 10_000_000, false), new Rational(0, 1, false), new Rational(0, 1, false)];
}
