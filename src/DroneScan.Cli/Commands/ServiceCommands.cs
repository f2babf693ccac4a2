using System.CommandLine;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DroneScan.Cli.Commands;

/// <summary>The options every service command shares: where the data is.</summary>
internal sealed class ServiceOptions
{
    public Option<string> Data { get; } = new("--data") { Description = "Data folder: uploaded photos and, with SQLite, the databases", DefaultValueFactory = _ => "dronescan-data", HelpName = "DIR" };

    public Option<string> Database { get; } = new("--database") { Description = "Database provider: sqlite (embedded, default) or postgres", DefaultValueFactory = _ => "sqlite", HelpName = "PROVIDER" };

    public Option<string?> Connection { get; } = new("--connection") { Description = "PostgreSQL connection string (or the SQLite database file)", HelpName = "STR" };

    public void AddTo(Command command)
    {
        Database.AcceptOnlyFromAmong("sqlite", "postgres");
        command.Options.Add(Data);
        command.Options.Add(Database);
        command.Options.Add(Connection);
    }

    public HostSettings Read(ParseResult parse) => new()
    {
        DataDir = parse.GetValue(Data),
        Database = parse.GetValue(Database),
        Connection = parse.GetValue(Connection),
    };
}

/// <summary><c>dronescan serve</c>, <c>dronescan worker</c> and <c>dronescan users add</c>: thin wrappers over DroneScan.Web.</summary>
internal static class ServiceCommands
{
    public static Command Serve(TextWriter output, TextWriter error)
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => DroneScanWebApp.DefaultUrls, HelpName = "URL" };
        var model = ModelOption();
        var workers = new Option<int>("--workers") { Description = "Background workers in this process (0 = one per core)", DefaultValueFactory = _ => 0, HelpName = "N" };
        var threads = ThreadsOption();
        var noJobs = new Option<bool>("--no-jobs") { Description = "Serve the API and UI only; photos are processed by `dronescan worker` processes (scale out)" };
        CliChecks.AtLeast(workers, 0);
        var data = new ServiceOptions();
        var command = new Command("serve", "Run the web service (API, review, Hangfire dashboard) with a background worker") { urls, model, workers, threads, noJobs };
        data.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = data.Read(parse) with
            {
                Urls = parse.GetValue(urls)!, ModelPaths = parse.GetValue(model), Workers = parse.GetValue(workers), DetectorThreads = parse.GetValue(threads),
            };
            return await RunAsync(() => DroneScanWebApp.Build(settings, runJobs: !parse.GetValue(noJobs)), settings, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary><c>--model FILE</c>, repeatable: the models the service runs (all shipped ones by default).</summary>
    private static Option<string[]> ModelOption() => new("--model")
    {
        Description = $"ONNX detection model; repeat for several, chosen per photo by sensor unless a flight names one (default: {DefaultModel.RelativePath} and {DefaultModel.ThermalRelativePath})",
        HelpName = "FILE",
    };

    public static Command Worker(TextWriter output, TextWriter error)
    {
        var model = ModelOption();
        var workers = new Option<int>("--workers") { Description = "Background workers (0 = one per core)", DefaultValueFactory = _ => 0, HelpName = "N" };
        var threads = ThreadsOption();
        CliChecks.AtLeast(workers, 0);
        var data = new ServiceOptions();
        var command = new Command("worker", "Run a background worker only (scale out: several workers on one PostgreSQL database)") { model, workers, threads };
        data.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = data.Read(parse) with { ModelPaths = parse.GetValue(model), Workers = parse.GetValue(workers), DetectorThreads = parse.GetValue(threads) };
            if (!string.Equals(settings.Database, "postgres", StringComparison.Ordinal))
            {
                // Hangfire's SQLite storage guards fetching a job inside one process only: two processes on one
                // SQLite job database could run a job twice at once.
                error.WriteLine("dronescan worker needs --database postgres --connection \"…\": worker processes share a PostgreSQL database. With SQLite, `dronescan serve` runs the jobs itself (--workers N)");
                return 1;
            }

            return await RunAsync(() => WorkerHost.Build(settings), settings, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Option<int> ThreadsOption()
    {
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads per inference (0 = one per core the process may use)", DefaultValueFactory = _ => 0, HelpName = "N" };
        CliChecks.AtLeast(threads, 0);
        return threads;
    }

    public static Command Users(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "User name" };
        var role = new Option<string[]>("--role") { Description = $"Role(s): {string.Join(", ", Roles.All)}", Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "ROLE" };
        var data = new ServiceOptions();
        var add = new Command("add", "Create a user; prints a generated password and an API token, once") { name, role };
        data.AddTo(add);
        add.SetAction(parse =>
        {
            var settings = data.Read(parse);
            try
            {
                using var host = AdminHost.Build(settings);
                var created = host.Services.GetRequiredService<UserAdmin>().Create(parse.GetValue(name)!, parse.GetValue(role)!.SelectMany(r => r.Split(',')).ToList());
                output.WriteLine($"user:     {created.User.Name} ({string.Join(", ", created.User.Roles)})");
                output.WriteLine($"password: {created.Password}");
                output.WriteLine($"token:    {created.Token}");
                output.WriteLine("Keep these now: only their hashes are stored.");
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
            {
                error.WriteLine(ex.Message);
                return 1;
            }
        });
        return new Command("users", "Manage users of the web service") { add };
    }

    private static async Task<int> RunAsync(Func<IHost> build, HostSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        IHost host;
        try
        {
            host = build();
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            error.WriteLine(ex.Message);
            return 1;
        }

        using (host)
        {
            try
            {
                output.WriteLine($"DroneScan: data in {Path.GetFullPath(settings.DataDir ?? "dronescan-data")} ({settings.Database ?? "sqlite"}); Ctrl+C stops");
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException or IOException)
            {
                error.WriteLine(ex.Message);
                return 1;
            }
        }

        return 0;
    }
}
