using System.Globalization;
using Microsoft.Data.Sqlite;

namespace DroneScan.Web.Map;

/// <summary>
/// An offline base map: the raster tiles (PNG or JPEG) of one MBTiles file (a SQLite database, MBTiles 1.3), read
/// only. Tiles are asked for in the XYZ scheme of web maps (row 0 at the north); MBTiles stores TMS rows (row 0 at
/// the south), so the row is flipped: <c>tile_row = 2^z − 1 − y</c>.
/// </summary>
public sealed class BaseMapTiles
{
    private readonly string connectionString;

    private BaseMapTiles(string connectionString, BaseMapInfo info)
    {
        this.connectionString = connectionString;
        Info = info;
    }

    /// <summary>What the map page needs to know (no file path: answers never carry one).</summary>
    public BaseMapInfo Info { get; }

    /// <summary>Opens and checks the file: a SQLite database with a <c>tiles</c> table (or view) of PNG or JPEG tiles.</summary>
    /// <exception cref="InvalidDataException">Not a usable MBTiles file; the message names the file and what is wrong.</exception>
    public static BaseMapTiles Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new InvalidDataException($"Ui:BaseMapFile: '{full}' does not exist");
        }

        string cs = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
        try
        {
            using var connection = new SqliteConnection(cs);
            connection.Open();
            if (Count(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'tiles' AND type IN ('table', 'view');") == 0)
            {
                throw new InvalidDataException($"Ui:BaseMapFile: '{full}' has no tiles table: not an MBTiles file");
            }

            var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (Count(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'metadata';") > 0)
            {
                using var cmd = connection.CreateCommand();
                cmd.CommandText = "SELECT name, value FROM metadata;";
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    if (!reader.IsDBNull(0) && !reader.IsDBNull(1))
                    {
                        meta[reader.GetString(0)] = reader.GetString(1);
                    }
                }
            }

            string format = (meta.GetValueOrDefault("format") ?? "png").Trim().ToLowerInvariant();
            if (format is not ("png" or "jpg" or "jpeg"))
            {
                throw new InvalidDataException($"Ui:BaseMapFile: '{full}' holds '{format}' tiles; only raster PNG or JPEG tiles are served");
            }

            using var range = connection.CreateCommand();
            range.CommandText = "SELECT min(zoom_level), max(zoom_level) FROM tiles;";
            using var zooms = range.ExecuteReader();
            if (!zooms.Read() || zooms.IsDBNull(0))
            {
                throw new InvalidDataException($"Ui:BaseMapFile: '{full}' holds no tiles");
            }

            int minZoom = Zoom(meta, "minzoom") ?? zooms.GetInt32(0);
            int maxZoom = Zoom(meta, "maxzoom") ?? zooms.GetInt32(1);
            var info = new BaseMapInfo(
                meta.GetValueOrDefault("name") ?? Path.GetFileNameWithoutExtension(full),
                format == "png" ? "png" : "jpeg",
                minZoom,
                maxZoom,
                Bounds(meta.GetValueOrDefault("bounds")),
                meta.GetValueOrDefault("attribution"));
            return new BaseMapTiles(cs, info);
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"Ui:BaseMapFile: '{full}' is not a readable SQLite (MBTiles) file: {ex.Message}", ex);
        }
    }

    /// <summary>The tile at zoom <paramref name="z"/>, column <paramref name="x"/> and XYZ row <paramref name="y"/>
    /// with its media type (from its bytes); null when the file has none there or the address is off the grid.</summary>
    public (byte[] Bytes, string ContentType)? Tile(int z, int x, int y)
    {
        if (z is < 0 or > 30 || x < 0 || y < 0 || x >= 1 << z || y >= 1 << z)
        {
            return null;
        }

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT tile_data FROM tiles WHERE zoom_level = $z AND tile_column = $x AND tile_row = $row LIMIT 1;";
        cmd.Parameters.AddWithValue("$z", z);
        cmd.Parameters.AddWithValue("$x", x);
        cmd.Parameters.AddWithValue("$row", (1 << z) - 1 - y);
        return cmd.ExecuteScalar() is byte[] { Length: > 0 } bytes && MediaType(bytes) is { } type ? (bytes, type) : null;
    }

    /// <summary>PNG or JPEG by the first bytes; null for anything else (never served with a guessed type).</summary>
    private static string? MediaType(byte[] b) => b switch
    {
        [0x89, 0x50, 0x4E, 0x47, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        _ => null,
    };

    private static long Count(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static int? Zoom(Dictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int z) && z is >= 0 and <= 30 ? z : null;

    /// <summary>MBTiles <c>bounds</c>: "west,south,east,north" in degrees; null when absent or malformed.</summary>
    private static double[]? Bounds(string? text)
    {
        var parts = text?.Split(',');
        if (parts is not { Length: 4 })
        {
            return null;
        }

        var values = new double[4];
        for (int i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                return null;
            }
        }

        return values[0] < values[2] && values[1] < values[3] && values[1] >= -90 && values[3] <= 90 ? values : null;
    }
}

/// <summary>The offline base map as the map page sees it. <c>Bounds</c>: west, south, east, north (degrees), when the
/// file says; tiles outside are not asked for.</summary>
public sealed record BaseMapInfo(string Name, string Format, int MinZoom, int MaxZoom, IReadOnlyList<double>? Bounds, string? Attribution);
