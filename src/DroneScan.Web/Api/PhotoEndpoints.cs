using System.Globalization;
using DroneScan.Core.Flights;
using DroneScan.Imaging.Pixels;
using DroneScan.Storage;
using DroneScan.Web.Files;
using DroneScan.Web.Hosting;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Web.Api;

/// <summary><c>/api/photos/{photoId}/chip</c>: a JPEG crop around a detection box, with the box drawn.</summary>
public static class PhotoEndpoints
{
    private const int LineWidthPx = 2;

    public static IEndpointRouteBuilder MapPhotoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/photos/{photoId}/chip", Chip);
        return app;
    }

    /// <summary>Box corners are pixels of the upright (EXIF-oriented) photo, as stored with each observation.</summary>
    private static IResult Chip(
        string photoId, string? flight, double? x1, double? y1, double? x2, double? y2, int? pad,
        IFlightJobStore work, PhotoChips chips, IOptions<UploadOptions> limits)
    {
        if (!FlightFolders.IsFlightId(flight))
        {
            throw new FormatException("flight: give the flight id the photo belongs to (?flight=fl-…)");
        }

        if (x1 is not { } left || y1 is not { } top || x2 is not { } right || y2 is not { } bottom
            || !double.IsFinite(left + top + right + bottom) || right <= left || bottom <= top)
        {
            throw new FormatException("x1, y1, x2, y2: give the box in photo pixels with x1 < x2 and y1 < y2");
        }

        int margin = pad ?? 64;
        if (margin is < 0 or > 4096)
        {
            throw new FormatException("pad: 0 to 4096 pixels");
        }

        var photo = work.GetQueuedPhoto(flight!, photoId)
            ?? throw new KeyNotFoundException($"no photo '{photoId}' in flight '{flight}'");
        double area = (right - left + (2.0 * margin)) * (bottom - top + (2.0 * margin));
        if (area > limits.Value.MaxChipPixels)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the chip would be {area:F0} pixels; at most {limits.Value.MaxChipPixels} are served"));
        }

        // Cut from the photo's tile file (written after its first chip): only the tiles under the chip are decoded.
        // A chip is evidence to look at, not a photo to re-georeference: it carries no EXIF (GPS, camera).
        var (image, cut) = chips.Cut(flight!, photo, size =>
        {
            int x = Math.Clamp((int)Math.Floor(left) - margin, 0, size.Width - 1);
            int y = Math.Clamp((int)Math.Floor(top) - margin, 0, size.Height - 1);
            int w = Math.Clamp((int)Math.Ceiling(right) + margin, x + 1, size.Width) - x;
            int h = Math.Clamp((int)Math.Ceiling(bottom) + margin, y + 1, size.Height) - y;
            return new Rectangle(x, y, w, h);
        });
        using var output = new MemoryStream();
        using (image)
        {
            DrawBox(image, (int)Math.Floor(left) - cut.X, (int)Math.Floor(top) - cut.Y, (int)Math.Ceiling(right) - cut.X, (int)Math.Ceiling(bottom) - cut.Y);
            image.SaveAsJpeg(output);
        }

        return Results.File(output.ToArray(), "image/jpeg");
    }

    /// <summary>Draws the box outline in red, clipped to the image.</summary>
    private static void DrawBox(Image<Rgb24> image, int x1, int y1, int x2, int y2)
    {
        var red = new Rgb24(255, 32, 32);
        image.ProcessPixelRows(rows =>
        {
            for (int y = Math.Max(0, y1 - LineWidthPx); y < Math.Min(rows.Height, y2 + LineWidthPx); y++)
            {
                var row = rows.GetRowSpan(y);
                bool edgeRow = y < y1 || y >= y2;
                for (int x = Math.Max(0, x1 - LineWidthPx); x < Math.Min(rows.Width, x2 + LineWidthPx); x++)
                {
                    if (edgeRow || x < x1 || x >= x2)
                    {
                        row[x] = red;
                    }
                }
            }
        });
    }
}
