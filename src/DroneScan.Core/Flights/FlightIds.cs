using System.Security.Cryptography;
using System.Text;

namespace DroneScan.Core.Flights;

/// <summary>
/// Deterministic flight ids, so scanning the same folder again finds the same flight: <c>fl-</c> + the first 12 hex
/// digits (48 bits) of the SHA-256 of the normalised absolute folder path, or of a name the operator gave.
/// </summary>
public static class FlightIds
{
    private const int HexDigits = 12;

    /// <summary>Id for a folder: absolute, without trailing separators, '/'-separated; case folded on Windows,
    /// where paths are case-insensitive.</summary>
    public static string ForFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return Hash("folder:" + NormaliseFolder(folder));
    }

    /// <summary>Id for a flight name given by the operator (trimmed; case-sensitive).</summary>
    public static string ForName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Hash("name:" + name.Trim());
    }

    /// <summary>The form of a folder path that <see cref="ForFolder"/> hashes.</summary>
    public static string NormaliseFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string full = Path.GetFullPath(folder).Replace('\\', '/');
        string trimmed = full.Length > 1 ? full.TrimEnd('/') : full;
        if (trimmed.Length == 0 || (trimmed.Length == 2 && trimmed[1] == ':'))
        {
            trimmed += "/";
        }

        return OperatingSystem.IsWindows() ? trimmed.ToUpperInvariant() : trimmed;
    }

    private static string Hash(string text)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return "fl-" + Convert.ToHexStringLower(hash)[..HexDigits];
    }
}
