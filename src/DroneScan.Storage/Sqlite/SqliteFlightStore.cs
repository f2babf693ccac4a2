using System.Data.Common;
using System.Globalization;
using DroneScan.Core.Flights;
using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Sqlite;

/// <summary>
/// The store on one SQLite file (the SQLite dialect of <see cref="SqlFlightStore"/>): WAL journal (readers never
/// block the writer), foreign keys on, a busy timeout so concurrent writers wait instead of failing, and one
/// connection per call from the pool. Every write runs in a <c>BEGIN IMMEDIATE</c> transaction: the write lock is
/// taken up front, so a second writer waits at the start rather than failing half-way with a stale snapshot (and row
/// locks are not needed). A full disk (SQLITE_FULL) and a lock held past the busy timeout (SQLITE_BUSY/LOCKED) become
/// a <see cref="StoreUnavailableException"/> naming the file; the transaction is rolled back whole. Times are
/// fixed-width ISO 8601 UTC text.
/// </summary>
public sealed class SqliteFlightStore : SqlFlightStore
{
    /// <summary>The CLI's default database file, relative to the working folder.</summary>
    public const string DefaultPath = "dronescan.db";

    private readonly string connectionString;
    private readonly int busyTimeoutMs;
    private long? maxPageCount;

    private SqliteFlightStore(string path, TimeProvider time, TimeSpan busyTimeout)
        : base(time, path)
    {
        busyTimeoutMs = (int)Math.Ceiling(busyTimeout.TotalMilliseconds);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            // At least 1 s: 0 would make Microsoft.Data.Sqlite retry a busy database for ever.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path => Description;

    /// <summary>Test seam: the largest the file may grow, in pages (SQLite's per-connection <c>max_page_count</c>),
    /// so that a write fails with a real SQLITE_FULL as on a full disk. Null: no limit. Setting it closes the pooled
    /// connections, which keep the limit they were opened with.</summary>
    internal long? MaxPageCount
    {
        get => maxPageCount;
        set
        {
            maxPageCount = value;
            Dispose();
        }
    }

    /// <summary>Test seam: runs on each connection the store opens, after the store's own settings are applied.</summary>
    internal Action<SqliteConnection>? ConnectionOpened { get; set; }

    /// <summary>Opens (creating when absent) the database file and brings its schema up to date.</summary>
    /// <param name="path">Database file; its folder is created when missing.</param>
    /// <param name="time">The clock for created/updated/processed times.</param>
    /// <param name="busyTimeout">How long a write waits for another writer's lock (default 30 s).</param>
    public static SqliteFlightStore Open(string path, TimeProvider time, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(time);
        string full = System.IO.Path.GetFullPath(path);
        try
        {
            if (System.IO.Path.GetDirectoryName(full) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreOpenException($"{full}: cannot create the database's folder ({e.Message})", e);
        }

        var store = new SqliteFlightStore(full, time, busyTimeout ?? TimeSpan.FromSeconds(30));
        try
        {
            using var connection = (SqliteConnection)store.OpenConnection();
            SqliteSchema.Migrate(connection, full, StoredRow.ToIso(time.GetUtcNow()));
        }
        catch (SqliteException e) when (store.Unavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8 or 11 or 14 or 23 or 26)
        {
            // SQLITE_READONLY, CORRUPT, CANTOPEN, AUTH, NOTADB: the file is not usable as a DroneScan database.
            string why = e.SqliteErrorCode switch
            {
                26 => "not a database (another kind of file at this path?)",
                11 => "the database file is damaged",
                8 => "the database is read-only here",
                _ => "cannot open the database file (is the path a folder, or not writable?)",
            };
            throw new StoreOpenException($"{full}: {why}; SQLite said: {e.Message}", e);
        }

        return store;
    }

    /// <summary>Closes the pooled connections to the file (so it can be moved or deleted).</summary>
    public override void Dispose()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private protected override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {busyTimeoutMs};");
        cmd.ExecuteNonQuery();
        if (maxPageCount is { } pages)
        {
            cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA max_page_count = {pages};");
            cmd.ExecuteNonQuery();
        }

        ConnectionOpened?.Invoke(connection);
        return connection;
    }

    private protected override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    private protected override DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    private protected override object ToDbTime(DateTimeOffset time) => StoredRow.ToIso(time);

    private protected override string LockClause(bool exclusive) => "";

    private protected override bool IsRetryable(DbException e) => false;

    // SQLITE_CONSTRAINT.
    private protected override bool IsConstraintViolation(DbException e) => e is SqliteException { SqliteErrorCode: 19 };

    /// <remarks>SQLite reports ENOSPC and a file at its page limit alike as SQLITE_FULL (13).</remarks>
    private protected override StoreUnavailableException? Unavailable(DbException e) => (e as SqliteException)?.SqliteErrorCode switch
    {
        13 => new StoreUnavailableException(Path, StoreProblem.Full,
            $"{Path}: disk full: the database cannot grow (database or disk is full); the last change was not saved. Free space and run again to resume", e),
        5 or 6 => new StoreUnavailableException(Path, StoreProblem.Locked,
            string.Create(CultureInfo.InvariantCulture, $"{Path}: database is locked by another process (waited {busyTimeoutMs / 1000.0:0.#} s for it); the last change was not saved. Try again when that process has finished"), e),
        _ => null,
    };
}
