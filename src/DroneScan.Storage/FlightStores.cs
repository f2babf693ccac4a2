using DroneScan.Core.Flights;
using DroneScan.Storage.Postgres;
using DroneScan.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace DroneScan.Storage;

/// <summary>
/// Opens the configured <see cref="IFlightStore"/>, for hosts that pick the database from configuration
/// (e.g. <c>DroneScan:Store:Provider</c> and <c>DroneScan:Store:ConnectionString</c>):
/// <code>
/// services.AddSingleton&lt;IFlightStore&gt;(_ => FlightStores.Open(options.Provider, options.ConnectionString, TimeProvider.System));
/// </code>
/// The store is thread-safe and meant to live as long as the host. It is <see cref="IDisposable"/> (closes its
/// pooled connections); a DI container disposes a singleton it created from a factory like the one above.
/// </summary>
public static class FlightStores
{
    /// <summary>One SQLite file: one machine, several threads (the CLI's default).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A PostgreSQL database: several worker processes or machines writing one flight at once.</summary>
    public const string Postgres = "postgres";

    /// <summary>The provider names <see cref="Open"/> accepts (case-insensitive; <c>postgresql</c> also works).</summary>
    public static IReadOnlyList<string> Providers { get; } = [Sqlite, Postgres];

    /// <summary>Opens the store and brings its schema up to date.</summary>
    /// <param name="provider"><see cref="Sqlite"/> or <see cref="Postgres"/> (case-insensitive).</param>
    /// <param name="connectionStringOrPath">For SQLite a file path (or <c>Data Source=PATH</c>), created when absent;
    /// for PostgreSQL an Npgsql connection string (<c>Host=…;Port=5432;Username=…;Password=…;Database=…</c>,
    /// optionally <c>Search Path=schema</c>), whose database must exist.</param>
    /// <param name="time">The store's clock (<see cref="TimeProvider.System"/> in hosts).</param>
    /// <exception cref="ArgumentException">Unknown provider, or an empty/malformed connection string.</exception>
    /// <exception cref="InvalidOperationException">The database cannot be reached or is from a newer DroneScan.</exception>
    public static IFlightStore Open(string provider, string connectionStringOrPath, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringOrPath);
        ArgumentNullException.ThrowIfNull(time);
        return provider.Trim().ToLowerInvariant() switch
        {
            Sqlite => SqliteFlightStore.Open(SqlitePath(connectionStringOrPath), time),
            Postgres or "postgresql" => PostgresFlightStore.Open(connectionStringOrPath, time),
            _ => throw new ArgumentException(
                $"unknown store provider '{provider}': use one of {string.Join(", ", Providers)}", nameof(provider)),
        };
    }

    private static string SqlitePath(string connectionStringOrPath)
    {
        if (!connectionStringOrPath.TrimStart().StartsWith("Data Source", StringComparison.OrdinalIgnoreCase))
        {
            return connectionStringOrPath;
        }

        string path = new SqliteConnectionStringBuilder(connectionStringOrPath).DataSource;
        return string.IsNullOrWhiteSpace(path)
            ? throw new ArgumentException($"SQLite connection string '{connectionStringOrPath}' names no Data Source", nameof(connectionStringOrPath))
            : path;
    }
}
