using DroneScan.Imaging.Pixels;
using DroneScan.Web.Files;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Web.Map;

/// <summary>
/// Reduced copies of a flight's photos for the map (JPEG, longest side at most <see cref="MaxSidePx"/>), made on
/// first request and kept in the flight's folder (<c>.overlays/</c>: a hidden folder, never taken for a photo).
/// The photo id is the content hash, so a copy never goes stale; deleting the flight deletes them.
/// </summary>
public sealed class PhotoOverlays(FlightFolders folders)
{
    /// <summary>Longest side of a copy, pixels.</summary>
    public const int MaxSidePx = 1024;

    private const int JpegQuality = 80;

    // Decoding a 20-MP photo takes ~100 MB: the map asks for every photo at once, so few are made at a time.
    private static readonly SemaphoreSlim Making = new(2, 2);

    /// <summary>The copy's file, made now when missing. <paramref name="relativePath"/>: the photo in the flight's folder.</summary>
    /// <exception cref="PhotoDecodeException">The photo cannot be decoded.</exception>
    public async Task<string> GetAsync(string flightId, string photoId, string relativePath, CancellationToken cancellationToken)
    {
        if (!IsPhotoId(photoId))
        {
            throw new FormatException($"'{photoId}' is not a photo id");
        }

        string folder = Path.Combine(folders.FlightFolder(flightId), ".overlays");
        string target = Path.Combine(folder, $"{photoId}-{MaxSidePx}.jpg");
        if (File.Exists(target))
        {
            return target;
        }

        await Making.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(target))
            {
                return target;
            }

            Directory.CreateDirectory(folder);
            using var image = PhotoDecoder.LoadOriented(folders.PathOf(flightId, relativePath), cancellationToken: cancellationToken);
            double scale = Math.Min(1, (double)MaxSidePx / Math.Max(image.Width, image.Height));
            if (scale < 1)
            {
                image.Mutate(c => c.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)), KnownResamplers.Triangle));
            }

            // A map picture, not a photo to re-georeference: its EXIF (GPS, camera) stays with the original.
            image.Metadata.ExifProfile = null;
            image.Metadata.XmpProfile = null;

            // Written beside and moved in whole: a reader never sees half a file, and two writers end with one copy.
            string temp = Path.Combine(folder, $"{photoId}.{Guid.NewGuid():N}.tmp");
            try
            {
                await image.SaveAsJpegAsync(temp, new JpegEncoder { Quality = JpegQuality }, cancellationToken).ConfigureAwait(false);
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }

            return target;
        }
        finally
        {
            Making.Release();
        }
    }

    /// <summary>A photo id: 64 lower-case hex digits (SHA-256 of the file), so it can name a file.</summary>
    public static bool IsPhotoId(string? id) => id is { Length: 64 } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
