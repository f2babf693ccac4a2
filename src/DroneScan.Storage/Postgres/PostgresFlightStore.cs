using System.Data;
using System.Data.Common;
using DroneScan.Core.Flights;
using Npgsql;

namespace DroneScan.Storage.Postgres;

/// <summary>
/// The store on a PostgreSQL database (the PostgreSQL dialect of <see cref="SqlFlightStore"/>), for several worker
/// processes writing one flight at once. Where SQLite serialises every writer with <c>BEGIN IMMEDIATE</c>, this
/// dialect takes row locks (<c>FOR SHARE</c>/<c>FOR UPDATE</c>, see <see cref="SqlFlightStore"/>); transactions run
/// at READ COMMITTED, so each statement after a lock wait sees what the lock holder committed. A deadlock or
/// serialization failure (SQLSTATE 40P01/40001) rolls back and retries the whole operation, a bounded number of
/// times. Reads run in one REPEATABLE READ transaction: a consistent snapshot. Times are timestamptz (microseconds).
/// Connections come from one pooled <see cref="NpgsqlDataSource"/>.
/// </summary>
public sealed class PostgresFlightStore : SqlFlightStore
{
    private readonly NpgsqlDataSource dataSource;

    private PostgresFlightStore(NpgsqlDataSource dataSource, string description, TimeProvider time)
        : base(time, description)
    {
        this.dataSource = dataSource;
    }

    /// <summary>Connects to the database and brings its schema up to date (tables in the first schema of the
    /// search path). Several processes may open the same database at once.</summary>
    /// <param name="connectionString">An Npgsql connection string, e.g.
    /// <c>Host=db;Port=5432;Username=dronescan;Password=...;Database=dronescan</c>; <c>Search Path=name</c> picks a schema.</param>
    /// <param name="time">The clock for created/updated/processed times.</param>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    /// <exception cref="InvalidOperationException">The server cannot be reached, or the schema is from a newer DroneScan.</exception>
    public static PostgresFlightStore Open(string connectionString, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(time);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        string description = $"postgres {builder.Host}:{builder.Port}/{builder.Database}"
            + (string.IsNullOrEmpty(builder.SearchPath) ? "" : $" (schema {builder.SearchPath})");
        var store = new PostgresFlightStore(NpgsqlDataSource.Create(builder), description, time);
        try
        {
            using var connection = (NpgsqlConnection)store.OpenConnection();
            PostgresSchema.Migrate(connection, description, time.GetUtcNow());
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Closes the store's pooled connections.</summary>
    public override void Dispose() => dataSource.Dispose();

    private protected override DbConnection OpenConnection()
    {
        try
        {
            return dataSource.OpenConnection();
        }
        catch (NpgsqlException e) when (e is not PostgresException || ((PostgresException)e).SqlState.StartsWith("28", StringComparison.Ordinal) || ((PostgresException)e).SqlState == "3D000")
        {
            // Unreachable server (socket errors), wrong password (28xxx) or no such database (3D000): say where.
            throw new InvalidOperationException($"{Description}: cannot connect: {e.Message}", e);
        }
    }

    private protected override DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction(IsolationLevel.ReadCommitted);

    private protected override DbTransaction BeginRead(DbConnection connection) => connection.BeginTransaction(IsolationLevel.RepeatableRead);

    private protected override object ToDbTime(DateTimeOffset time) => time.ToUniversalTime();

    private protected override string LockClause(bool exclusive) => exclusive ? " FOR UPDATE" : " FOR SHARE";

    private protected override bool IsRetryable(DbException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    private protected override bool IsConstraintViolation(DbException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.UniqueViolation };

    /// <remarks>A full disk (53100) or a lock not granted within the session's <c>lock_timeout</c> (55P03).</remarks>
    private protected override StoreUnavailableException? Unavailable(DbException e) => (e as PostgresException)?.SqlState switch
    {
        PostgresErrorCodes.DiskFull => new StoreUnavailableException(Description, StoreProblem.Full,
            $"{Description}: disk full on the database server ({((PostgresException)e).MessageText}); the last change was not saved. Free space and try again", e),
        PostgresErrorCodes.LockNotAvailable => new StoreUnavailableException(Description, StoreProblem.Locked,
            $"{Description}: database is locked by another session ({((PostgresException)e).MessageText}); the last change was not saved. Try again when it has finished", e),
        _ => null,
    };
}
