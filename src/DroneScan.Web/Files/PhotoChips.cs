using System.Collections.Concurrent;
using DroneScan.Core.Flights;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Web.Files;

/// <summary>
/// Review chips, cut from a tile file per photo (<see cref="PhotoTiles"/>) kept in the hidden <c>.chips</c> folder of its
/// flight's folder (never taken for a photo; deleted with the flight). A photo's first chip decodes the whole photo and
/// is cut from it at once; the decoded photo then goes to a background write of the tile file, and chips asked for
/// meanwhile are cut from it in memory. Later chips decode only the tiles under them. Two processes may each write a
/// photo's file; the later whole file replaces the earlier.
/// </summary>
public sealed class PhotoChips(FlightFolders folders)
{
    private readonly ConcurrentDictionary<string, Pending> writing = new(StringComparer.Ordinal);

    /// <summary>Where the photo's tile file is kept.</summary>
    public string TilePath(string flightId, string photoId) =>
        Path.Combine(folders.FlightFolder(flightId), ".chips", photoId + ".tiles");

    /// <summary>The background write of the photo's tile file in progress, or a completed task.</summary>
    public Task Written(string flightId, string photoId) =>
        writing.TryGetValue(TilePath(flightId, photoId), out var pending) ? pending.Task : Task.CompletedTask;

    /// <summary>The part of the photo's upright image that <paramref name="area"/> chooses for the image's size.</summary>
    /// <returns>The chip and where it lies in the photo.</returns>
    /// <exception cref="PhotoDecodeException">The photo cannot be decoded.</exception>
    public (Image<Rgb24> Chip, Rectangle Area) Cut(string flightId, QueuedPhoto photo, Func<Size, Rectangle> area)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(area);
        string path = TilePath(flightId, photo.PhotoId);
        if (writing.TryGetValue(path, out var pending) && pending.TryCut(area) is { } fromMemory)
        {
            return fromMemory;
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
            var write = new Pending(full);
            if (writing.TryAdd(path, write))
            {
                // The background write owns the decoded photo from here.
                full = null;
                write.Start(path, () => writing.TryRemove(path, out _));
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
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
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

    /// <summary>A decoded photo whose tile file is being written; chips are cut from it until it is disposed.</summary>
    private sealed class Pending(Image<Rgb24> photo)
    {
        private readonly Lock gate = new();
        private bool disposed;

        public Task Task { get; private set; } = Task.CompletedTask;

        public void Start(string path, Action done) => Task = Task.Run(() =>
        {
            try
            {
                PhotoTiles.WriteFile(photo, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // No file (e.g. a full disk): the next chip of the photo decodes it again and tries once more.
            }
            finally
            {
                done();
                lock (gate)
                {
                    disposed = true;
                    photo.Dispose();
                }
            }
        });

        public (Image<Rgb24>, Rectangle)? TryCut(Func<Size, Rectangle> area)
        {
            lock (gate)
            {
                if (disposed)
                {
                    return null;
                }

                var cut = area(photo.Size());
                return (photo.Clone(c => c.Crop(cut)), cut);
            }
        }
    }
}
