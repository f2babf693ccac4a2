using Dapper;
using DroneScan.Core.Flights;
using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Sqlite;

/// <summary>
/// The schema as an ordered list of migrations. Each runs once, in the same transaction as the row that records
/// it in <c>schema_version</c>, so opening a database twice (or from two processes at once) applies nothing twice.
/// Append new migrations; never edit a released one.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>(version, description, SQL). Times are ISO 8601 UTC text; geometries WKT, WGS84 (X = lon, Y = lat).</summary>
    internal static readonly IReadOnlyList<(int Version, string Description, string Sql)> Migrations =
    [
        (1, "flights, runs, photos, detections, hazards, reviews, coverage, areas", """
            CREATE TABLE flights (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                source_folder TEXT,
                site TEXT,
                notes TEXT,
                status TEXT NOT NULL CHECK (status IN ('created','scanning','scanned','finalised')),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL);

            CREATE TABLE runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                flight_id TEXT NOT NULL REFERENCES flights(id),
                model_name TEXT NOT NULL,
                model_version TEXT NOT NULL,
                model_sha256 TEXT NOT NULL,
                options_json TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                photos_total INTEGER,
                photos_processed INTEGER,
                photos_resumed INTEGER,
                photos_skipped INTEGER,
                photos_failed INTEGER,
                detections INTEGER,
                hazards INTEGER,
                elapsed_s REAL);
            CREATE INDEX ix_runs_flight ON runs(flight_id, id);

            CREATE TABLE photos (
                flight_id TEXT NOT NULL REFERENCES flights(id),
                photo_id TEXT NOT NULL,
                file_name TEXT NOT NULL,
                relative_path TEXT,
                size_bytes INTEGER,
                width INTEGER,
                height INTEGER,
                captured_at TEXT,
                lat REAL,
                lon REAL,
                agl_m REAL,
                gsd_m REAL,
                footprint_wkt TEXT,
                metadata_json TEXT,
                status TEXT NOT NULL CHECK (status IN ('ok','skipped','failed')),
                reason_code TEXT,
                reason_message TEXT,
                run_id INTEGER REFERENCES runs(id),
                processed_at TEXT NOT NULL,
                PRIMARY KEY (flight_id, photo_id));

            CREATE TABLE detections (
                flight_id TEXT NOT NULL,
                photo_id TEXT NOT NULL,
                detection_index INTEGER NOT NULL,
                run_id INTEGER REFERENCES runs(id),
                class_name TEXT NOT NULL,
                confidence REAL NOT NULL,
                x1 REAL NOT NULL, y1 REAL NOT NULL, x2 REAL NOT NULL, y2 REAL NOT NULL,
                lat REAL NOT NULL,
                lon REAL NOT NULL,
                sigma_m REAL NOT NULL,
                r90_m REAL NOT NULL,
                semi_major_m REAL NOT NULL,
                semi_minor_m REAL NOT NULL,
                major_axis_azimuth_deg REAL NOT NULL,
                shared_sigma_m REAL NOT NULL,
                ground_box_wkt TEXT,
                captured_at TEXT,
                PRIMARY KEY (flight_id, photo_id, detection_index),
                FOREIGN KEY (flight_id, photo_id) REFERENCES photos(flight_id, photo_id) ON DELETE CASCADE);

            CREATE TABLE hazards (
                id TEXT PRIMARY KEY,
                flight_id TEXT NOT NULL REFERENCES flights(id),
                lat REAL NOT NULL,
                lon REAL NOT NULL,
                class_name TEXT NOT NULL,
                class_votes_json TEXT NOT NULL,
                max_confidence REAL NOT NULL,
                mean_confidence REAL NOT NULL,
                n_obs INTEGER NOT NULL,
                sigma_m REAL NOT NULL,
                r90_m REAL NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('candidate','confirmed','rejected','unsure')),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            CREATE INDEX ix_hazards_flight ON hazards(flight_id, status);

            -- A detection re-run away takes its link with it (the hazard set is rebuilt on finalise).
            CREATE TABLE hazard_observations (
                hazard_id TEXT NOT NULL REFERENCES hazards(id) ON DELETE CASCADE,
                flight_id TEXT NOT NULL,
                photo_id TEXT NOT NULL,
                detection_index INTEGER NOT NULL,
                ordinal INTEGER NOT NULL,
                PRIMARY KEY (hazard_id, photo_id, detection_index),
                FOREIGN KEY (flight_id, photo_id, detection_index)
                    REFERENCES detections(flight_id, photo_id, detection_index) ON DELETE CASCADE);
            CREATE INDEX ix_hazard_obs_detection ON hazard_observations(flight_id, photo_id, detection_index);

            -- Append-only audit: no foreign key to hazards, so a review outlives its point (orphan) and
            -- re-attaches when a re-run produces the same deterministic id.
            CREATE TABLE reviews (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                hazard_id TEXT NOT NULL,
                flight_id TEXT NOT NULL REFERENCES flights(id),
                decision TEXT NOT NULL CHECK (decision IN ('confirm','reject','reclassify','unsure')),
                label TEXT,
                comment TEXT,
                reviewer TEXT NOT NULL,
                at TEXT NOT NULL);
            CREATE INDEX ix_reviews_hazard ON reviews(hazard_id, at, id);
            CREATE INDEX ix_reviews_flight ON reviews(flight_id);
            CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
                BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
            CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
                BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;

            CREATE TABLE coverage (
                flight_id TEXT PRIMARY KEY REFERENCES flights(id),
                covered_wkt TEXT NOT NULL,
                area_m2 REAL NOT NULL,
                max_gsd_m REAL NOT NULL,
                photo_count INTEGER NOT NULL,
                updated_at TEXT NOT NULL);

            CREATE TABLE suggested_areas (
                flight_id TEXT NOT NULL REFERENCES flights(id),
                id TEXT NOT NULL,
                area_wkt TEXT NOT NULL,
                area_m2 REAL NOT NULL,
                hazard_ids_json TEXT NOT NULL,
                buffer_m REAL NOT NULL,
                PRIMARY KEY (flight_id, id));
            """),
        (2, "background processing (photo tasks, work counter), users and API tokens", """
            CREATE TABLE flight_work (
                flight_id TEXT PRIMARY KEY REFERENCES flights(id),
                state TEXT NOT NULL CHECK (state IN ('processing','finalising','done')),
                run_id INTEGER NOT NULL REFERENCES runs(id),
                updated_at TEXT NOT NULL);

            CREATE TABLE photo_tasks (
                flight_id TEXT NOT NULL REFERENCES flights(id),
                photo_id TEXT NOT NULL,
                relative_path TEXT NOT NULL,
                done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
                PRIMARY KEY (flight_id, photo_id));

            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                roles TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL);

            CREATE TABLE api_tokens (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_name TEXT NOT NULL REFERENCES users(name),
                token_sha256 TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                revoked_at TEXT);
            """),
        (3, "disabled users; who uploaded a flight", """
            ALTER TABLE users ADD COLUMN disabled_at TEXT;
            ALTER TABLE flights ADD COLUMN uploaded_by TEXT;
            """),
        (4, "per-flight processing settings", """
            ALTER TABLE flights ADD COLUMN settings_json TEXT;
            """),
        (5, "ground elevation and height source per detection (terrain-aware georeferencing)", """
            ALTER TABLE detections ADD COLUMN ground_elevation_m REAL;
            ALTER TABLE detections ADD COLUMN height_source TEXT;
            """),
        (6, "the model each photo ran through (automatic model choice per photo)", """
            ALTER TABLE photos ADD COLUMN model_name TEXT;
            ALTER TABLE photos ADD COLUMN model_sha256 TEXT;
            """),
        (7, "review at scale: the review queue read by index ranges (keyset pages), by flight and status or across flights", """
            DROP INDEX ix_hazards_flight;
            CREATE INDEX ix_hazards_queue_flight_status ON hazards(flight_id, status, max_confidence DESC, id);
            CREATE INDEX ix_hazards_queue_flight ON hazards(flight_id, max_confidence DESC, id);
            CREATE INDEX ix_hazards_queue_status ON hazards(status, max_confidence DESC, id);
            CREATE INDEX ix_hazards_queue ON hazards(max_confidence DESC, id);
            """),
    ];

    internal static int LatestVersion => Migrations[^1].Version;

    /// <summary>Switches the file to WAL and applies the missing migrations.</summary>
    /// <exception cref="InvalidOperationException">The file was written by a newer DroneScan.</exception>
    internal static void Migrate(SqliteConnection connection, string path, string nowIso)
    {
        // journal_mode is a property of the file and cannot change inside a transaction.
        connection.Execute("PRAGMA journal_mode = WAL;");
        using var tx = connection.BeginTransaction();
        SchemaMigrator.Migrate(connection, tx, Migrations, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version INTEGER PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at TEXT NOT NULL);
            """, path, nowIso);
    }
}
