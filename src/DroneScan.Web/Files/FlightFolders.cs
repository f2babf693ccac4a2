using System.Security.Cryptography;
using System.Text.RegularExpressions;
using DroneScan.Pipeline.Scan;

namespace DroneScan.Web.Files;

/// <summary>
/// The photo blob store: each flight's photos live under <c>&lt;data&gt;/flights/&lt;flightId&gt;/</c>, at the
/// relative paths they were uploaded with. Every path is checked to stay inside its flight's folder.
/// </summary>
public sealed partial class FlightFolders(string dataDir)
{
    /// <summary>The folder holding every flight's folder.</summary>
    public string Root { get; } = Path.Combine(Path.GetFullPath(dataDir), "flights");

    /// <summary>A new random flight id (<c>fl-</c> + 12 hex digits, the form of <see cref="Core.Flights.FlightIds"/>).</summary>
    public static string NewFlightId() => "fl-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>True for a well-formed flight id (so it can name a folder).</summary>
    public static bool IsFlightId(string? id) => id is not null && FlightIdPattern().IsMatch(id);

    /// <summary>The flight's folder.</summary>
    /// <exception cref="ArgumentException">Not a flight id.</exception>
    public string FlightFolder(string flightId) => IsFlightId(flightId)
        ? Path.Combine(Root, flightId)
        : throw new ArgumentException($"'{flightId}' is not a flight id", nameof(flightId));

    /// <summary>The absolute path of a file of the flight, checked to lie inside its folder.</summary>
    /// <exception cref="ArgumentException">The relative path is not a safe one (see <see cref="TryNormalise"/>).</exception>
    /// <summary>Where a flight's own DEM is kept: in a hidden folder of the flight's folder, never taken for a photo.</summary>
    public string DemPath(string flightId) => Path.Combine(FlightFolder(flightId), ".dem", "dem.tif");

    public string PathOf(string flightId, string relativePath)
    {
        string folder = FlightFolder(flightId);
        if (!TryNormalise(relativePath, out string normalised, out string? problem))
        {
            throw new ArgumentException($"{relativePath}: {problem}", nameof(relativePath));
        }

        string full = Path.GetFullPath(Path.Combine(folder, normalised));
        return full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"{relativePath}: outside the flight folder", nameof(relativePath));
    }

    /// <summary>Deletes the flight's folder (best effort: a missing folder is fine).</summary>
    public void Delete(string flightId)
    {
        string folder = FlightFolder(flightId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Checks a file name from an upload (a form file name or a zip entry) and gives its relative path: '/'-separated
    /// segments, no empty, '.', '..' or hidden segment, no drive or root, no control or reserved characters.
    /// </summary>
    public static bool TryNormalise(string? name, out string relative, out string? problem)
    {
        relative = "";
        if (string.IsNullOrWhiteSpace(name))
        {
            problem = "empty file name";
            return false;
        }

        string slashed = name.Replace('\\', '/');
        if (slashed.StartsWith('/') || Path.IsPathRooted(name) || (slashed.Length >= 2 && slashed[1] == ':'))
        {
            problem = "absolute path";
            return false;
        }

        var parts = slashed.Split('/');
        foreach (var part in parts)
        {
            if (part is "" or "." or "..")
            {
                problem = part == ".." ? "path leads outside the flight folder ('..')" : "empty path segment";
                return false;
            }

            if (part.StartsWith('.'))
            {
                problem = "hidden file (the name starts with '.')";
                return false;
            }

            if (part.Any(c => char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|'))
            {
                problem = "a control character or one of : * ? \" < > | in the name";
                return false;
            }
        }

        if (parts.Length > 16 || slashed.Length > 400)
        {
            problem = "path too long";
            return false;
        }

        relative = string.Join('/', parts);
        problem = null;
        return true;
    }

    /// <summary>True when the name has a photo extension (<see cref="ScanFolder.PhotoExtensions"/>).</summary>
    public static bool IsPhoto(string name) => ScanFolder.PhotoExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex("^fl-[0-9a-f]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex FlightIdPattern();
}
