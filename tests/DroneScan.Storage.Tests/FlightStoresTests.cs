using DroneScan.Core.Flights;
using DroneScan.Storage.Postgres;
using DroneScan.Storage.Sqlite;

namespace DroneScan.Storage.Tests;

public sealed class FlightStoresTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public void Open_Sqlite_TakesAPathOrADataSource()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dronescan-store-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(folder, "a.db");
            using (var store = (SqliteFlightStore)FlightStores.Open("SQLite", path, TimeProvider.System))
            {
                store.UpsertFlight(TestData.Flight());
                Assert.Equal(path, store.Path);
            }

            using var again = (SqliteFlightStore)FlightStores.Open(FlightStores.Sqlite, $"Data Source={path}", TimeProvider.System);
            Assert.Single(again.GetFlights());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Open_Postgres_TakesAConnectionString()
    {
        using var store = (PostgresFlightStore)FlightStores.Open("postgresql", server.NewSchema(), TimeProvider.System);
        store.UpsertFlight(TestData.Flight());
        Assert.Single(store.GetFlights());
        Assert.Contains(server.DatabaseName, store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Refuses_AnUnknownProvider_AndAnUnreachableServer()
    {
        var e = Assert.Throws<ArgumentException>(() => FlightStores.Open("mysql", "x", TimeProvider.System));
        Assert.Contains("sqlite, postgres", e.Message, StringComparison.Ordinal);

        // Port 1 on loopback: nothing listens there.
        var down = Assert.Throws<InvalidOperationException>(() =>
            FlightStores.Open("postgres", "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=d;Timeout=3", TimeProvider.System));
        Assert.Contains("127.0.0.1:1/d", down.Message, StringComparison.Ordinal);
    }
}
