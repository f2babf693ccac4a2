using System.Collections.Concurrent;
using DroneScan.Core.Flights;
using DroneScan.Imaging.Pixels;

namespace DroneScan.Web.Files;

/// <summary>
/// The tile files review chips are cut from (<see cref="PhotoTiles"/>): one per photo, in the hidden <c>.chips</c>
/// folder of its flight's folder (never taken for a photo; deleted with the flight), written on a photo's first chip
/// (the review page asks for the next point's chips ahead, so that decode is rarely waited for). Concurrent first chips of one photo in this
/// process wait for one decode; two processes may each write the file, and the later whole file replaces the earlier.
/// </summary>
public sealed class PhotoChips(FlightFolders folders)
{
    private readonly ConcurrentDictionary<string, Lazy<bool>> writing = new(StringComparer.Ordinal);

    /// <summary>Where the photo's tile file is kept.</summary>
    public string TilePath(string flightId, string photoId) =>
        Path.Combine(folders.FlightFolder(flightId), ".chips", photoId + ".tiles");

    /// <summary>The photo's tile file, opened for reading; written first when missing or unreadable.</summary>
    /// <exception cref="PhotoDecodeException">The photo cannot be decoded.</exception>
    public FileStream Open(string flightId, QueuedPhoto photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        string path = TilePath(flightId, photo.PhotoId);
        for (int attempt = 1; ; attempt++)
        {
            Ensure(flightId, photo, path);
            FileStream? stream = null;
            try
            {
                stream = File.OpenRead(path);
                PhotoTiles.ReadSize(stream);
                return stream;
            }
            catch (Exception e) when (attempt == 1 && e is InvalidDataException or EndOfStreamException or FileNotFoundException)
            {
                // A file from another version, or cut short by a full disk: written again once.
                stream?.Dispose();
                File.Delete(path);
            }
            catch
            {
                stream?.Dispose();
                throw;
            }
        }
    }

    /// <summary>Writes the photo's tile file unless it is there.</summary>
    /// <exception cref="PhotoDecodeException">The photo cannot be decoded.</exception>
    public void Prepare(string flightId, QueuedPhoto photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        Ensure(flightId, photo, TilePath(flightId, photo.PhotoId));
    }

    private void Ensure(string flightId, QueuedPhoto photo, string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        var write = writing.GetOrAdd(path, _ => new Lazy<bool>(
            () =>
            {
                PhotoTiles.Write(folders.PathOf(flightId, photo.RelativePath), path);
                return true;
            },
            LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            _ = write.Value;
        }
        finally
        {
            // Done (or failed: the next chip tries again).
            writing.TryRemove(KeyValuePair.Create(path, write));
        }
    }
}
