using DroneScan.Core.Flights;
using DroneScan.Storage;
using DroneScan.Storage.Postgres;
using DroneScan.Storage.Sqlite;
using DroneScan.Web.Files;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Hosting;

/// <summary>The stores of one provider: flights, their background work, users.</summary>
/// <param name="Flights">Flights, photos, hazards, reviews.</param>
/// <param name="Jobs">Photo tasks and the finalise counter.</param>
/// <param name="Users">Users and API tokens.</param>
/// <param name="Owner">What to dispose when the service stops.</param>
public sealed record DroneScanStores(IFlightStore Flights, IFlightJobStore Jobs, IUserStore Users, IDisposable Owner);

/// <summary>
/// Chooses the persistence by <see cref="StorageOptions.Provider"/>: the app database and the Hangfire job storage
/// always come from the same provider (SQLite files under the data folder, or one PostgreSQL database).
/// </summary>
public static class FlightStoreFactory
{
    /// <summary>Names <see cref="StorageOptions.Provider"/> accepts.</summary>
    public static IReadOnlyList<string> Providers { get; } = ["sqlite", "postgres"];

    /// <summary>The PostgreSQL schema of Hangfire's job tables (the app's tables stay in the search path's schema).</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>Opens (creating and migrating) the app database.</summary>
    /// <exception cref="InvalidOperationException">The database cannot be reached or is from a newer DroneScan.</exception>
    /// <exception cref="ArgumentException">Unknown provider.</exception>
    public static DroneScanStores Open(StorageOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (Provider(options))
        {
            case "sqlite":
                var store = SqliteFlightStore.Open(SqlitePath(options), time);
                return new DroneScanStores(store, store, store, store);
            default:
                // One database for every web and worker process (tables in the connection's search path, public
                // unless it says otherwise); the schema is migrated under an advisory lock, so nodes may start at once.
                var postgres = (PostgresFlightStore)FlightStores.Open(FlightStores.Postgres, options.ConnectionString!, time);
                return new DroneScanStores(postgres, postgres, postgres, postgres);
        }
    }

    /// <summary>Points Hangfire at the provider's job storage: <c>&lt;data&gt;/hangfire.db</c> for SQLite, the same
    /// database for PostgreSQL.</summary>
    public static void UseJobStorage(IGlobalConfiguration configuration, StorageOptions options, JobOptions jobs)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(jobs);
        switch (Provider(options))
        {
            case "sqlite":
                Directory.CreateDirectory(DataDir(options));
                configuration.UseSQLiteStorage(
                    Path.Combine(DataDir(options), "hangfire.db"),
                    new SQLiteStorageOptions
                    {
                        QueuePollInterval = TimeSpan.FromSeconds(jobs.QueuePollSeconds),
                        // Not renewed while the job runs (no sliding timeout in this storage): see JobOptions.
                        InvisibilityTimeout = TimeSpan.FromSeconds(jobs.InvisibilityTimeoutSeconds),
                    });
                break;
            default:
                // Hangfire's tables live in their own schema of the same database; every node polls the one queue.
                configuration.UsePostgreSqlStorage(
                    c => c.UseNpgsqlConnection(options.ConnectionString),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = HangfireSchema,
                        QueuePollInterval = TimeSpan.FromSeconds(jobs.QueuePollSeconds),
                        // A killed worker's job runs again after the timeout; a live worker renews it (every fifth of
                        // it), so long jobs are never taken twice.
                        InvisibilityTimeout = TimeSpan.FromSeconds(jobs.InvisibilityTimeoutSeconds),
                        UseSlidingInvisibilityTimeout = true,
                        // A lock row left by a killed process blocks its job until it is this old (see JobOptions).
                        DistributedLockTimeout = TimeSpan.FromSeconds(jobs.DistributedLockTimeoutSeconds),
                        PrepareSchemaIfNecessary = true,
                    });
                break;
        }
    }

    /// <summary>The absolute data folder.</summary>
    public static string DataDir(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.GetFullPath(options.DataDir);
    }

    /// <summary>The normalised provider name.</summary>
    /// <exception cref="ArgumentException">Unknown provider, or postgres without a connection string.</exception>
    public static string Provider(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string name = options.Provider.Trim().ToLowerInvariant();
        name = name == "postgresql" ? "postgres" : name;
        if (!Providers.Contains(name))
        {
            throw new ArgumentException($"Storage:Provider (--database): unknown provider '{options.Provider}'; use sqlite or postgres", nameof(options));
        }

        if (name == "postgres" && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Storage:ConnectionString (--connection): postgres needs a connection string", nameof(options));
        }

        return name;
    }

    private static string SqlitePath(StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString) ? Path.Combine(DataDir(options), "dronescan.db") : Path.GetFullPath(options.ConnectionString);
}

/// <summary>Registers the stores chosen by configuration.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Binds <see cref="StorageOptions"/> and registers <see cref="IFlightStore"/>, <see cref="IFlightJobStore"/>,
    /// <see cref="IUserStore"/> and the photo <see cref="FlightFolders"/>.</summary>
    public static IServiceCollection AddDroneScanStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations()
            .Validate(o => FlightStoreFactory.Providers.Contains(o.Provider.Trim().ToLowerInvariant().Replace("postgresql", "postgres", StringComparison.Ordinal)), "Storage:Provider must be sqlite or postgres")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => FlightStoreFactory.Open(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<DroneScanStores>().Flights);
        services.AddSingleton(sp => sp.GetRequiredService<DroneScanStores>().Jobs);
        services.AddSingleton(sp => sp.GetRequiredService<DroneScanStores>().Users);
        services.AddSingleton(sp => new FlightFolders(FlightStoreFactory.DataDir(sp.GetRequiredService<IOptions<StorageOptions>>().Value)));
        services.AddSingleton<PhotoChips>();
        return services;
    }
}
