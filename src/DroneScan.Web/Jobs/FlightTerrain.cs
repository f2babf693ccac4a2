using System.Collections.Concurrent;
using DroneScan.Core.Flights;
using DroneScan.Core.Terrain;
using DroneScan.Imaging.Terrain;

namespace DroneScan.Web.Jobs;

/// <summary>
/// A flight's own DEM (uploaded with it) in the datum of its photos' altitudes, read once per process and file: every
/// photo job of the flight places its pixels on it, as <c>scan --dem</c> does.
/// </summary>
public static class FlightTerrain
{
    // A few flights at a time; a DEM of a survey area is small, and a changed file (new upload) is a new key.
    private const int Kept = 8;
    private static readonly ConcurrentDictionary<(string Path, DateTime Written, string? From, string? To), ITerrain> Loaded = new();

    /// <summary>Reads the DEM now, so that a file DroneScan cannot use is refused with the upload.</summary>
    /// <exception cref="FormatException">Naming the <c>dem</c> field, the file's name as uploaded and the problem.</exception>
    public static void Check(FlightSettings settings, string path) => Load(settings, path);

    /// <summary>The flight's terrain, or null when it has no DEM.</summary>
    /// <exception cref="FormatException">The DEM (or the geoid grid its datums need) cannot be read.</exception>
    public static ITerrain? Load(FlightSettings settings, string path)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.DemFile is null)
        {
            return null;
        }

        var key = (path, File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default, settings.DemDatum, settings.AltitudeDatum);
        if (Loaded.TryGetValue(key, out var terrain))
        {
            return terrain;
        }

        var request = new DemRequest(
            path,
            DemRequest.DefaultSigmaM,
            DemRequest.ParseDatum(settings.DemDatum),
            DemRequest.ParseDatum(settings.AltitudeDatum) ?? DemRequest.DefaultAltitudeDatum,
            GtxGeoidReader.DebianEgm96Path,
            null);
        try
        {
            terrain = DemLoader.Load(request, _ => { });
        }
        catch (DemFileException ex)
        {
            // The reader names the stored file ("dem.tif: …"); the operator knows it by the name it was uploaded with.
            // Anything else is a geoid grid of the server's, whose path stays out of the answer.
            string stored = Path.GetFileName(path) + ": ";
            throw new FormatException(ex.Message.StartsWith(stored, StringComparison.Ordinal)
                ? $"dem '{settings.DemFile}': {ex.Message[stored.Length..]}"
                : $"dem '{settings.DemFile}': its datum differs from the photos' altitudes and this server has no geoid grid to convert between them (its administrator installs the Debian package proj-data); or give dem_datum and altitude_datum alike if they are", ex);
        }

        if (Loaded.Count >= Kept)
        {
            Loaded.Clear();
        }

        Loaded[key] = terrain;
        return terrain;
    }
}
