using System.Collections.Concurrent;
using DroneScan.Core.Flights;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Web.Files;

/// <summary>
/// Review chips, cut from a tile file per photo (<see cref="PhotoTiles"/>) kept in the hidden <c>.chips</c> folder of its
/// flight's folder (never taken for a photo; deleted with the flight). A photo's first chip decodes the whole photo,
/// is cut from it at once, and hands the decoded image to a background write of the tile file; later chips of the
/// photo decode only the tiles under them. A chip asked for while the file is being written waits for it. Two
/// processes may each write a photo's file; the later whole file replaces the earlier.
/// </summary>
public sealed class PhotoChips(FlightFolders folders)
{
    private readonly ConcurrentDictionary<string, Task> writing = new(StringComparer.Ordinal);

    /// <summary>Where the photo's tile file is kept.</summary>
    public string TilePath(string flightId, string photoId) =>
        Path.Combine(folders.FlightFolder(flightId), ".chips", photoId + ".tiles");

    /// <summary>The background write of the photo's tile file in progress, or a completed task.</summary>
    public Task Written(string flightId, string photoId) =>
        writing.TryGetValue(TilePath(flightId, photoId), out var task) ? task : Task.CompletedTask;

    /// <summary>The part of the photo's upright image that <paramref name="area"/> chooses for the image's size.</summary>
    /// <returns>The chip and where it lies in the photo.</returns>
    /// <exception cref="PhotoDecodeException">The photo cannot be decoded.</exception>
    public (Image<Rgb24> Chip, Rectangle Area) Cut(string flightId, QueuedPhoto photo, Func<Size, Rectangle> area)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(area);
        string path = TilePath(flightId, photo.PhotoId);
        if (writing.TryGetValue(path, out var pending))
        {
            pending.GetAwaiter().GetResult();
        }

        if (TryCutFromTiles(path, area) is { } fromTiles)
        {
            return fromTiles;
        }

        var full = PhotoDecoder.LoadOriented(folders.PathOf(flightId, photo.RelativePath));
        try
        {
            var cut = area(full.Size());
            var chip = full.Clone(c => c.Crop(cut));
            var write = new Task(() => WriteTiles(full, path));
            if (writing.TryAdd(path, write))
            {
                // The background write owns the decoded photo from here.
                full = null;
                write.Start(TaskScheduler.Default);
            }

            return (chip, cut);
        }
        finally
        {
            full?.Dispose();
        }
    }

    private static (Image<Rgb24>, Rectangle)? TryCutFromTiles(string path, Func<Size, Rectangle> area)
    {
        try
        {
            using var tiles = File.OpenRead(path);
            var cut = area(PhotoTiles.ReadSize(tiles));
            return (PhotoTiles.Crop(tiles, cut), cut);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            // From another version, or cut short by a full disk: the photo is decoded and the file written again.
            File.Delete(path);
            return null;
        }
    }

    private void WriteTiles(Image<Rgb24> full, string path)
    {
        try
        {
            PhotoTiles.WriteFile(full, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No file (e.g. a full disk): the next chip of the photo decodes it again and tries once more.
        }
        finally
        {
            full.Dispose();
            writing.TryRemove(path, out _);
        }
    }
}
