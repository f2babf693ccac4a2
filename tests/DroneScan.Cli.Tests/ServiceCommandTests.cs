namespace DroneScan.Cli.Tests;

public sealed class ServiceCommandTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("dronescan-cli-users-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, true);
    }

    [Fact]
    public void UsersAdd_PrintsAPasswordAndAToken_AndRefusesTheSameNameTwice()
    {
        var run = CliRun.Of("users", "add", "alice", "--role", "operator,analyst", "--data", data);
        var again = CliRun.Of("users", "add", "alice", "--role", "admin", "--data", data);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("operator, analyst", run.Output, StringComparison.Ordinal);
        Assert.Matches("password: \\S{20,}", run.Output);
        Assert.Matches("token:    ds_\\S{40,}", run.Output);
        Assert.True(File.Exists(Path.Combine(data, "dronescan.db")));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("exists", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UsersAdd_WithAnUnknownRole_SaysWhichRolesExist()
    {
        var run = CliRun.Of("users", "add", "bob", "--role", "pilot", "--data", data);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("operator, analyst, planner, admin", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UsersAdd_OnPostgres_WithNoServer_SaysWhereItCannotConnect()
    {
        var run = CliRun.Of("users", "add", "bob", "--role", "admin", "--data", data, "--database", "postgres", "--connection", "Host=127.0.0.1;Port=1;Database=nowhere;Timeout=5");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("postgres 127.0.0.1:1/nowhere: cannot connect", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Worker_OnSqlite_IsRefused_WithWhatToDoInstead()
    {
        var run = CliRun.Of("worker", "--data", data);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("dronescan worker needs --database postgres", run.Error, StringComparison.Ordinal);
        Assert.Contains("dronescan serve", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "hangfire.db")), "nothing is created");
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("worker")]
    public void ServiceCommands_RefuseANegativeThreadCount(string command)
    {
        var run = CliRun.Of(command, "--threads", "-1", "--data", data, "--database", "postgres", "--connection", "Host=127.0.0.1;Port=1");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--threads", run.Error, StringComparison.Ordinal);
    }
}
