using System.Data.Common;
using System.Globalization;
using Dapper;

namespace DroneScan.Storage;

/// <summary>
/// Applies a schema's missing migrations, each once, in one transaction with the rows that record them in
/// <c>schema_version</c>, so opening a database twice (or from two processes at once) applies nothing twice. The
/// dialect brings its migrations, the DDL of <c>schema_version</c>, and what must run first in the transaction (a
/// PostgreSQL advisory lock; nothing on SQLite, whose transaction takes the write lock).
/// </summary>
internal static class SchemaMigrator
{
    /// <exception cref="InvalidOperationException">The database was written by a newer DroneScan.</exception>
    internal static void Migrate(
        DbConnection connection,
        DbTransaction tx,
        IReadOnlyList<(int Version, string Description, string Sql)> migrations,
        string versionTableSql,
        string where,
        object appliedAt)
    {
        connection.Execute(versionTableSql, transaction: tx);
        int current = Convert.ToInt32(connection.ExecuteScalar("SELECT COALESCE(MAX(version), 0) FROM schema_version;", transaction: tx), CultureInfo.InvariantCulture);
        int latest = migrations[^1].Version;
        if (current > latest)
        {
            throw new InvalidOperationException(
                $"{where}: database schema version {current} is newer than this DroneScan understands ({latest}); use a newer DroneScan");
        }

        foreach (var (version, description, sql) in migrations.Where(m => m.Version > current))
        {
            connection.Execute(sql, transaction: tx);
            connection.Execute(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (@version, @description, @appliedAt);",
                new { version, description, appliedAt },
                tx);
        }

        tx.Commit();
    }
}
