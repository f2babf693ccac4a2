using DroneScan.Core.Flights;
using DroneScan.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Tests;

/// <summary>
/// One store under test, fresh for each test, with its hand-moved clock and what the contract tests need beyond
/// <see cref="IFlightStore"/>: a second store on the same database (another process), the commit hook, and raw SQL
/// on a connection of its own (to prove the database itself refuses what the store never does).
/// </summary>
public abstract class StoreHarness : IDisposable
{
    private readonly List<IDisposable> opened = [];

    public ManualClock Clock { get; } = new(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero));

    public IFlightStore Store { get; private set; } = null!;

    /// <summary>Schema migrations the store knows (rows expected in <c>schema_version</c>).</summary>
    public abstract int MigrationCount { get; }

    public abstract int LatestSchemaVersion { get; }

    /// <summary>Test seam of <see cref="Store"/>: runs just before each write commits.</summary>
    public abstract Action<string>? BeforeCommit { set; }

    /// <summary>Opens another store on the same database, as a second process would (schema migration included).</summary>
    public IFlightStore OpenAnother() => Track(OpenStore());

    /// <summary>Runs SQL outside the store; the provider's exception (a <see cref="System.Data.Common.DbException"/>) comes out.</summary>
    public abstract void ExecuteSql(string sql);

    public abstract object? QueryScalar(string sql);

    /// <summary>Asserts the database's own consistency checks pass (foreign keys, integrity).</summary>
    public abstract void AssertConsistent();

    public virtual void Dispose()
    {
        foreach (var s in opened)
        {
            s.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    protected abstract IFlightStore OpenStore();

    /// <summary>Disposes <paramref name="store"/> with the harness.</summary>
    protected T Track<T>(T store)
    {
        opened.Add((IDisposable)store!);
        return store;
    }

    /// <summary>Opens <see cref="Store"/>: call at the end of the derived constructor.</summary>
    protected void Initialise() => Store = OpenAnother();
}

/// <summary>A store on a real SQLite file in a fresh temporary folder, deleted afterwards.</summary>
public sealed class SqliteHarness : StoreHarness
{
    public SqliteHarness()
    {
        Folder = Path.Combine(Path.GetTempPath(), "dronescan-store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Initialise();
    }

    public string Folder { get; }

    public string DbPath => Path.Combine(Folder, "dronescan.db");

    public new SqliteFlightStore Store => (SqliteFlightStore)base.Store;

    public override int MigrationCount => SqliteSchema.Migrations.Count;

    public override int LatestSchemaVersion => SqliteSchema.LatestVersion;

    public override Action<string>? BeforeCommit
    {
        set => Store.BeforeCommit = value;
    }

    public SqliteFlightStore OpenAnother(TimeSpan busyTimeout)
    {
        return Track(SqliteFlightStore.Open(DbPath, Clock, busyTimeout));
    }

    public SqliteConnection Connect()
    {
        var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        c.Open();
        return c;
    }

    public override void ExecuteSql(string sql)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public override object? QueryScalar(string sql)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public override void AssertConsistent()
    {
        Assert.Equal("ok", QueryScalar("PRAGMA integrity_check;"));
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA foreign_key_check;";
        using var r = cmd.ExecuteReader();
        Assert.False(r.Read());
    }

    public override void Dispose()
    {
        base.Dispose();

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }

    protected override IFlightStore OpenStore() => SqliteFlightStore.Open(DbPath, Clock);
}
