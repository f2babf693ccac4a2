using System.Globalization;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace DroneScan.Export;

/// <summary>
/// OGC GeoPackage 1.3 (http://www.geopackage.org/spec130/): the SQLite container with the required
/// gpkg_spatial_ref_sys, gpkg_contents and gpkg_geometry_columns tables, one feature table, and geometry blobs
/// from NTS's <see cref="GeoPackageGeoWriter"/>. Identifiers come from the fixed schema; every value is a parameter.
/// </summary>
internal static class GeoPackageExportWriter
{
    private const int Wgs84SrsId = 4326;

    // 'GPKG' as a big-endian 32-bit integer, and version 1.3.0 (spec, "File Format").
    private const int ApplicationId = 0x47504B47;
    private const int UserVersion = 10300;

    private const string Wgs84Wkt =
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],"
        + "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
        + "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]";

    public static void Write(ExportTable table, IReadOnlyList<ExportData> flights, string path, DateTimeOffset now)
    {
        // A GeoPackage is written whole: never append to an older file.
        File.Delete(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();

        Execute(connection, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {UserVersion};");
        CreateMetadataTables(connection);
        string geometryType = table.IsPointLayer ? "POINT" : "MULTIPOLYGON";
        CreateFeatureTable(connection, table, geometryType);

        var envelope = new NetTopologySuite.Geometries.Envelope();
        foreach (var feature in table.Features)
            envelope.ExpandToInclude(feature.Geometry.EnvelopeInternal);

        Execute(
            connection,
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) "
            + "VALUES ($table, 'features', $identifier, $description, $lastChange, $minX, $minY, $maxX, $maxY, $srs)",
            ("$table", table.Name),
            ("$identifier", $"{ExportSchema.FlightNames(flights)} {table.Name}"),
            ("$description", flights.Count == 1 ? $"DroneScan {table.Name} of flight {flights[0].Flight.FlightId}" : $"DroneScan {table.Name} of flights {ExportSchema.FlightIds(flights)}"),
            ("$lastChange", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            ("$minX", envelope.IsNull ? null : envelope.MinX),
            ("$minY", envelope.IsNull ? null : envelope.MinY),
            ("$maxX", envelope.IsNull ? null : envelope.MaxX),
            ("$maxY", envelope.IsNull ? null : envelope.MaxY),
            ("$srs", Wgs84SrsId));
        Execute(
            connection,
            "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ($table, 'geom', $type, $srs, 0, 0)",
            ("$table", table.Name),
            ("$type", geometryType),
            ("$srs", Wgs84SrsId));

        InsertFeatures(connection, table);
        transaction.Commit();
    }

    private static void CreateMetadataTables(SqliteConnection connection)
    {
        // Table definitions as given in the GeoPackage 1.3 specification, annexes C.1–C.3.
        Execute(connection, """
            CREATE TABLE gpkg_spatial_ref_sys (
              srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (
              table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
              description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
              min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (
              table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
              CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
              CONSTRAINT uk_gc_table_name UNIQUE (table_name),
              CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
              CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            """);

        const string insertSrs =
            "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) "
            + "VALUES ($name, $id, $org, $orgId, $definition, $description)";
        Execute(connection, insertSrs, ("$name", "Undefined cartesian SRS"), ("$id", -1), ("$org", "NONE"), ("$orgId", -1), ("$definition", "undefined"), ("$description", "undefined cartesian coordinate reference system"));
        Execute(connection, insertSrs, ("$name", "Undefined geographic SRS"), ("$id", 0), ("$org", "NONE"), ("$orgId", 0), ("$definition", "undefined"), ("$description", "undefined geographic coordinate reference system"));
        Execute(connection, insertSrs, ("$name", "WGS 84 geodetic"), ("$id", Wgs84SrsId), ("$org", "EPSG"), ("$orgId", Wgs84SrsId), ("$definition", Wgs84Wkt), ("$description", "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"));
    }

    private static void CreateFeatureTable(SqliteConnection connection, ExportTable table, string geometryType)
    {
        var columns = table.Fields.Select(f => $"\"{f.Name}\" {SqlType(f.Type)}");
        Execute(connection, $"CREATE TABLE \"{table.Name}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {geometryType}, {string.Join(", ", columns)})");
    }

    private static void InsertFeatures(SqliteConnection connection, ExportTable table)
    {
        string names = string.Join(", ", table.Fields.Select(f => $"\"{f.Name}\""));
        string parameters = string.Join(", ", table.Fields.Select((_, i) => $"$p{i}"));
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO \"{table.Name}\" (geom, {names}) VALUES ($geom, {parameters})";
        var geom = command.Parameters.Add("$geom", SqliteType.Blob);
        var values = table.Fields.Select((_, i) => command.Parameters.Add($"$p{i}", SqliteType.Text)).ToArray();

        // The geometry columns are declared 2-D (z = 0, m = 0): write X and Y only. The writer's default, XYZM, stores
        // every point as POINT ZM (x y nan nan), which readers take at its word.
        var geometryWriter = new GeoPackageGeoWriter { HandleOrdinates = NetTopologySuite.Geometries.Ordinates.XY };
        foreach (var feature in table.Features)
        {
            var geometry = table.IsPointLayer ? feature.Geometry : ExportSchema.AsMultiPolygon(feature.Geometry);
            geom.Value = geometryWriter.Write(geometry);
            for (int i = 0; i < values.Length; i++)
                values[i].Value = SqlValue(feature.Values[i]);
            command.ExecuteNonQuery();
        }
    }

    private static string SqlType(FieldType type) => type switch
    {
        FieldType.Integer => "INTEGER",
        FieldType.Real => "REAL",
        FieldType.DateTime => "DATETIME",
        _ => "TEXT",
    };

    private static object SqlValue(object? value) => value switch
    {
        null => DBNull.Value,
        // GeoPackage DATETIME: ISO 8601 'YYYY-MM-DDTHH:MM:SS.SSSZ' (spec, "Data Types").
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        _ => value,
    };

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }
}
