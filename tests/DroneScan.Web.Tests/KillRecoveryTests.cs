using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace DroneScan.Web.Tests;

/// <summary>
/// Crash recovery with real processes: the demo flight is processed while the processes running its jobs are killed
/// with SIGKILL (no shutdown code runs) at points read from the database, then processes are started again until the
/// flight is done. The result must equal the uninterrupted embedded service's (the <see cref="ServiceFixture"/> flight):
/// every photo stored once with the same detections, one run, the same hazard points. A killed job comes back after
/// <c>Jobs:InvisibilityTimeoutSeconds</c>, here <see cref="InvisibilitySeconds"/>.
/// </summary>
/// <remarks>
/// Kill points that must hit a narrow window are made certain with a lock the test holds: the job under test blocks on
/// it (seen in <c>pg_stat_activity</c>, or guaranteed by a check made under the lock), is killed there, and the lock is
/// released afterwards.
/// </remarks>
[Collection(ServiceGroup.Name)]
public sealed class KillRecoveryTests(ServiceFixture service, PostgresDatabase database, ITestOutputHelper log) : IClassFixture<PostgresDatabase>
{
    private const int InvisibilitySeconds = 5;

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task DemoFlight_OnPostgres_WithWorkerProcessesKilledAtFourPoints_CompletesWithEveryPhotoOnce()
    {
        string dataDir = Directory.CreateTempSubdirectory("dronescan-kill-pg-").FullName;
        var workers = new List<DroneScanProcess>();
        int started = 0;
        WebApplication? app = null;
        var clock = Stopwatch.StartNew();
        DroneScanProcess StartWorker()
        {
            string name = $"dronescan-kill-worker-{++started}";
            // The application name tells the test which process a blocked database session belongs to.
            string connection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = name }.ToString();
            var worker = DroneScanProcess.Start(
                name,
                ["worker", "--database", "postgres", "--connection", connection, "--data", dataDir, "--model", TestPaths.Model, "--workers", "1"],
                JobEnvironment(detectorThreads: 1));
            workers.Add(worker);
            return worker;
        }

        try
        {
            app = DroneScanWebApp.Build(
                new HostSettings { Urls = "http://127.0.0.1:0", DataDir = dataDir, Database = "postgres", Connection = database.ConnectionString, ModelPath = TestPaths.Model },
                runJobs: false);
            await app.StartAsync();
            string token = app.Services.GetRequiredService<UserAdmin>().Create("kill-operator", [Roles.Operator]).Token;
            StartWorker();
            StartWorker();
            using var client = Client(app.Urls.First(), token);
            string flightId = await ServiceFixture.UploadFilesAsync(client, Directory.GetFiles(TestPaths.DemoFlight, "*.jpg"), "demo, killed on postgres");
            int total = Directory.GetFiles(TestPaths.DemoFlight, "*.jpg").Length;
            var db = new PostgresProbe(database.ConnectionString, flightId);

            // 1. Mid-photo: both workers are busy, one dies with its photo half done.
            await WaitForAsync(() => db.Stored() >= 3, "3 photos stored", workers);
            Kill(workers[0], $"1 (mid-photo, {db.Stored()} stored)");
            StartWorker();

            // 2. A photo saved but not counted done: MarkPhotoDone needs the flight row alone, the test holds it shared.
            await WaitForAsync(() => db.Stored() >= 8, "8 photos stored", workers);
            using (var shared = db.Begin("SELECT 1 FROM flights WHERE id = @flight FOR SHARE;"))
            {
                string blocked = await WaitForAsync(() => db.BlockedWorker("%FROM flights WHERE id = %FOR UPDATE%"), "a worker blocked counting its photo", workers);
                Assert.True(db.Stored() > db.Done(), $"a stored photo should be waiting to be counted: {db.Stored()} stored, {db.Done()} done");
                Kill(workers.Single(w => w.Name == blocked), $"2 (photo saved, not counted: {db.Stored()} stored, {db.Done()} done)");
            }

            StartWorker();

            // 3. The last photo's job wins processing → finalising and dies before enqueuing the finalise job: Hangfire's
            // job parameters are locked (a new job writes some, a running one does not), so the enqueue blocks; the
            // job's retry must enqueue the finalise (its photo is done by then).
            await WaitForAsync(() => db.Stored() >= total - 1, $"{total - 1} photos stored", workers);
            var jobLock = db.Begin("LOCK TABLE hangfire.jobparameter IN SHARE MODE;");
            Assert.True(db.State(jobLock) == "processing" && db.FinaliseJobs(jobLock) == 0, $"too late for kill point 3: state {db.State(jobLock)}, {db.FinaliseJobs(jobLock)} finalise job(s)");
            await WaitForAsync(() => db.State() == "finalising", "the flight finalising", workers);
            foreach (var worker in workers.Where(w => !w.Process.HasExited).ToList())
            {
                Kill(worker, "3 (won the finalise transition, enqueue blocked)");
            }

            // 4. During the finalise job: the retried photo job of point 3 enqueues it (its photo is done, the flight
            // finalising); it then blocks on the run update, because the test holds the runs table shared.
            var runsLock = db.Begin("LOCK TABLE runs IN SHARE MODE;");
            jobLock.Dispose();
            Assert.Equal(0L, db.FinaliseJobs());
            StartWorker();
            string finalising = await WaitForAsync(() => db.BlockedWorker("%UPDATE runs SET finished_at%"), "the finalise job blocked on the run update", workers, db.Diagnose);
            log.WriteLine($"at kill point 4:\n{db.Diagnose()}");
            Assert.True(db.FinaliseJobs() >= 1, "the retried photo job should have enqueued the finalise job");
            Kill(workers.Single(w => w.Name == finalising), "4 (during the finalise job, blocked on the run update)");
            runsLock.Dispose();
            Assert.Equal("finalising", db.State());

            StartWorker();
            StartWorker();
            var flight = await ServiceFixture.WaitForDoneAsync(client, flightId);
            log.WriteLine($"flight done after {clock.Elapsed.TotalSeconds:F1} s, {started} worker processes started, {workers.Count(w => w.Process.HasExited)} killed at 4 points");

            var photos = flight.GetProperty("photos");
            Assert.Equal((total, total, 0), (photos.GetProperty("total").GetInt32(), photos.GetProperty("done").GetInt32(), photos.GetProperty("failed").GetInt32()));
            AssertSameAsUninterrupted(app.Services.GetRequiredService<IFlightStore>(), app.Services.GetRequiredService<IFlightJobStore>(), flightId, total, db.Runs());

            // Every job ends Succeeded: a job of a killed process is fetched again once its invisibility timeout has
            // passed (a redundant second finalise rebuilds the same rows), so wait for the queue to drain, then check.
            await WaitForAsync(
                () => (long)database.QueryScalar("SELECT COUNT(*) FROM hangfire.job WHERE statename IS DISTINCT FROM 'Succeeded';")! == 0 ? "drained" : null,
                "every job succeeded",
                workers,
                db.Diagnose);
            log.WriteLine("job states: " + database.QueryScalar("SELECT string_agg(statename || ' ' || n, ', ') FROM (SELECT statename, COUNT(*) AS n FROM hangfire.job GROUP BY statename) s;"));
            AssertSameAsUninterrupted(app.Services.GetRequiredService<IFlightStore>(), app.Services.GetRequiredService<IFlightJobStore>(), flightId, total, db.Runs());
            Assert.Equal(0L, database.QueryScalar("SELECT COUNT(*) FROM hangfire.job WHERE statename = 'Failed';"));
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
                log.WriteLine($"--- {worker.Name} (pid {worker.Pid}) output (tail) ---\n{worker.OutputTail(1500)}");
            }

            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            DeleteQuietly(dataDir);
        }
    }

    [Fact]
    public async Task DemoFlight_OnSqlite_WithTheServiceKilledAtFourPoints_CompletesWithEveryPhotoOnce()
    {
        // Hangfire.Storage.SQLite fetches jobs under an in-process lock only, so its `worker` processes must not share
        // a hangfire.db: the embedded store is one `serve` process, killed and started again on the same --data.
        string dataDir = Directory.CreateTempSubdirectory("dronescan-kill-sqlite-").FullName;
        var processes = new List<DroneScanProcess>();
        var clock = Stopwatch.StartNew();
        string token;
        using (var admin = AdminHost.Build(new HostSettings { DataDir = dataDir }))
        {
            token = admin.Services.GetRequiredService<UserAdmin>().Create("kill-operator", [Roles.Operator]).Token;
        }

        async Task<HttpClient> StartServeAsync()
        {
            int port = FreePort();
            var serve = DroneScanProcess.Start(
                $"serve-{processes.Count + 1}",
                ["serve", "--urls", $"http://127.0.0.1:{port}", "--data", dataDir, "--model", TestPaths.Model, "--workers", "1"],
                JobEnvironment(detectorThreads: 0));
            processes.Add(serve);
            var client = Client($"http://127.0.0.1:{port}", token);
            await WaitForAsync(async () => await IsUpAsync(client), $"{serve.Name} answering /healthz", processes);
            return client;
        }

        try
        {
            var client = await StartServeAsync();
            string flightId = await ServiceFixture.UploadFilesAsync(client, Directory.GetFiles(TestPaths.DemoFlight, "*.jpg"), "demo, killed on sqlite");
            int total = Directory.GetFiles(TestPaths.DemoFlight, "*.jpg").Length;
            var db = new SqliteProbe(Path.Combine(dataDir, "dronescan.db"), flightId);

            // 1 and 2. Mid-photo, twice: the one worker is always in a photo job.
            foreach (int stored in new[] { 3, 9 })
            {
                await WaitForAsync(() => db.Stored() >= stored, $"{stored} photos stored", processes);
                Kill(processes[^1], $"{(stored == 3 ? 1 : 2)} (mid-photo, {db.Stored()} stored)");
                client.Dispose();
                client = await StartServeAsync();
            }

            // 3. Just before finalising: the last photo is in its job and cannot be saved (the test holds the write lock).
            await WaitForAsync(() => db.Stored() >= total - 1, $"{total - 1} photos stored", processes);
            using (var writeLock = db.BeginImmediate())
            {
                Assert.True(db.Stored(writeLock) == total - 1 && db.State(writeLock) == "processing", $"too late for kill point 3: {db.Stored(writeLock)} stored, state {db.State(writeLock)}");
                Kill(processes[^1], "3 (last photo in flight, not saved)");
            }

            client.Dispose();
            client = await StartServeAsync();

            // 4. In the finalise window: the process is frozen (SIGSTOP) as soon as the flight is finalising, so what it
            // had done is read before it dies. Finalising takes a moment only, so where inside it the process stopped
            // varies; the recovery is checked either way.
            // The state is polled, so a finalise shorter than one poll can go from "processing" to "done" unseen: then
            // there is nothing left to kill, which the log says, and the flight is checked as after the other points.
            await WaitForAsync(() => db.State() is "finalising" or "done", "the flight finalising", processes, poll: TimeSpan.FromMilliseconds(10));
            int killed = 3;
            if (db.State() == "finalising")
            {
                Assert.Equal(0, Signal(processes[^1].Pid, SigStop));
                string where = db.RunFinished() ? "finalise already written, its job not yet acknowledged" : "before the finalise job wrote anything";
                Kill(processes[^1], $"4 (finalising: {where})");
                Assert.Equal(where.StartsWith("before", StringComparison.Ordinal) ? "finalising" : db.State(), db.State());
                client.Dispose();
                client = await StartServeAsync();
                killed = 4;
            }
            else
            {
                log.WriteLine($"kill point 4 not reached: {processes[^1].Name} finalised the flight within one 10 ms poll");
            }

            var flight = await ServiceFixture.WaitForDoneAsync(client, flightId);
            client.Dispose();
            log.WriteLine($"flight done after {clock.Elapsed.TotalSeconds:F1} s, {processes.Count} serve processes started, {killed} killed");

            var photos = flight.GetProperty("photos");
            Assert.Equal((total, total, 0), (photos.GetProperty("total").GetInt32(), photos.GetProperty("done").GetInt32(), photos.GetProperty("failed").GetInt32()));
            var stores = FlightStoreFactory.Open(new StorageOptions { DataDir = dataDir }, TimeProvider.System);
            using (stores.Owner)
            {
                AssertSameAsUninterrupted(stores.Flights, stores.Jobs, flightId, total, db.Runs());
            }
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
                log.WriteLine($"--- {process.Name} (pid {process.Pid}) output (tail) ---\n{process.OutputTail(1500)}");
            }

            SqliteConnection.ClearAllPools();
            DeleteQuietly(dataDir);
        }
    }

    /// <summary>The flight equals the uninterrupted embedded service's: each photo once with the same detections, one run,
    /// the same hazard points, none twice.</summary>
    private void AssertSameAsUninterrupted(IFlightStore store, IFlightJobStore jobs, string flightId, int total, long runs)
    {
        var reference = service.Get<IFlightStore>();
        Assert.All(jobs.GetQueuedPhotos(flightId), p => Assert.True(p.Done, p.RelativePath));
        Assert.Equal(FlightWorkState.Done, jobs.GetWork(flightId)!.State);
        Assert.Equal(DetectionsPerPhoto(reference, service.DemoFlightId), DetectionsPerPhoto(store, flightId));
        Assert.Equal(total, store.LoadPhotoCoverage(flightId).Count);
        var hazards = store.GetHazards(flightId);
        Assert.Equal(hazards.Count, hazards.Select(h => h.Point.Id).Distinct().Count());
        Assert.Equal(ServiceFixture.HazardKeys(reference, service.DemoFlightId), ServiceFixture.HazardKeys(store, flightId));
        Assert.Equal(reference.GetHazards(service.DemoFlightId).Count, hazards.Count);
        Assert.Equal(1L, runs);
    }

    private static Dictionary<string, int> DetectionsPerPhoto(IFlightStore store, string flightId) =>
        store.LoadObservations(flightId).GroupBy(o => o.PhotoId).ToDictionary(g => g.Key, g => g.Count());

    private static Dictionary<string, string> JobEnvironment(int detectorThreads) => new()
    {
        ["DRONESCAN_Jobs__InvisibilityTimeoutSeconds"] = InvisibilitySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DRONESCAN_Jobs__DetectorThreads"] = detectorThreads.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private void Kill(DroneScanProcess process, string point)
    {
        process.KillHard();
        log.WriteLine($"kill point {point}: SIGKILL {process.Name} (pid {process.Pid})");
    }

    private static HttpClient Client(string baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<bool> IsUpAsync(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task WaitForAsync(Func<bool> done, string what, IReadOnlyList<DroneScanProcess> processes, TimeSpan? poll = null) =>
        WaitForAsync(() => Task.FromResult(done()), what, processes, poll);

    private static async Task<string> WaitForAsync(Func<string?> found, string what, IReadOnlyList<DroneScanProcess> processes, Func<string>? diagnose = null)
    {
        string? value = null;
        await WaitForAsync(() => Task.FromResult((value = found()) is not null), what, processes, diagnose: diagnose);
        return value!;
    }

    /// <summary>Polls until <paramref name="done"/>; fails naming what it waited for, why it stopped, what
    /// <paramref name="diagnose"/> reads of the database then, and the processes' output, after
    /// <see cref="StepTimeout"/> or as soon as the newest process exits by itself.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> done, string what, IReadOnlyList<DroneScanProcess> processes, TimeSpan? poll = null, Func<string>? diagnose = null)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (!await done())
        {
            var exited = processes.LastOrDefault(p => p.Process.HasExited && p.Process.ExitCode != 137);
            bool newestExited = exited is not null && ReferenceEquals(exited, processes[^1]);
            if (DateTime.UtcNow > deadline || newestExited)
            {
                string why = newestExited ? $"{exited!.Name} exited by itself with code {exited.Process.ExitCode}" : $"not within {StepTimeout.TotalSeconds} s";
                throw new TimeoutException($"waited for {what}: {why}\n"
                    + (diagnose is null ? string.Empty : $"database then:\n{diagnose()}\n")
                    + string.Join("\n---\n", processes.Select(p => $"{p.Name}: {p.OutputTail(2000)}")));
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(50));
        }
    }

    private static void DeleteQuietly(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private const int SigStop = 19;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    /// <summary>Reads the flight's progress from the PostgreSQL database, and holds locks in open transactions.</summary>
    private sealed class PostgresProbe(string connectionString, string flightId)
    {
        private readonly string connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "kill-test-probe" }.ToString();

        public long Stored() => Scalar<long>("SELECT COUNT(*) FROM photos WHERE flight_id = @flight;");

        public long Done() => Scalar<long>("SELECT COUNT(*) FROM photo_tasks WHERE flight_id = @flight AND done;");

        public long Runs() => Scalar<long>("SELECT COUNT(*) FROM runs WHERE flight_id = @flight;");

        public string? State(Held? held = null) => Scalar<string?>("SELECT state FROM flight_work WHERE flight_id = @flight;", held);

        public long FinaliseJobs(Held? held = null) => Scalar<long>("SELECT COUNT(*) FROM hangfire.job WHERE invocationdata::text LIKE '%FinaliseFlight%';", held);

        /// <summary>The application name (= the worker's name) of a worker session waiting for a lock in a statement like <paramref name="statement"/>.</summary>
        public string? BlockedWorker(string statement)
        {
            using var c = Open();
            using var cmd = new NpgsqlCommand("""
                SELECT application_name FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name LIKE 'dronescan-kill-worker-%' AND query LIKE @statement
                ORDER BY application_name LIMIT 1;
                """, c);
            cmd.Parameters.AddWithValue("statement", statement);
            return cmd.ExecuteScalar() as string;
        }

        /// <summary>What a stalled step needs to be understood: the Hangfire jobs (method, state, queue fetch time) and
        /// every session of the workers and the test (what it runs, what it waits for).</summary>
        public string Diagnose()
        {
            using var c = Open();
            var lines = new List<string>();
            void Read(string title, string sql)
            {
                lines.Add(title);
                using var cmd = new NpgsqlCommand(sql, c);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    lines.Add("  " + string.Join(" | ", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
                }
            }

            Read("jobs (id | method | state | created | queue fetched at | retry count):", """
                SELECT j.id, substring(j.invocationdata::text from '"Method":"([A-Za-z]*)'), j.statename, j.createdat, q.fetchedat,
                       (SELECT value FROM hangfire.jobparameter p WHERE p.jobid = j.id AND p.name = 'RetryCount')
                FROM hangfire.job j LEFT JOIN hangfire.jobqueue q ON q.jobid = j.id ORDER BY j.id;
                """);
            Read("states of unfinished jobs (job | state | reason | at):", """
                SELECT s.jobid, s.name, left(coalesce(s.reason, ''), 160), s.createdat FROM hangfire.state s
                WHERE s.jobid IN (SELECT id FROM hangfire.job WHERE statename IS DISTINCT FROM 'Succeeded') ORDER BY s.id;
                """);
            Read("servers (id | last heartbeat):", "SELECT id, lastheartbeat FROM hangfire.server ORDER BY id;");
            Read("locks (resource | acquired):", "SELECT resource, acquired FROM hangfire.lock ORDER BY resource;");
            Read("sessions (application | state | waits on | query):", """
                SELECT application_name, state, coalesce(wait_event_type || ':' || wait_event, ''), left(regexp_replace(query, '\s+', ' ', 'g'), 140)
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY application_name;
                """);
            lines.Add($"flight state {State()}, {Stored()} stored, {Done()} done, now {DateTime.UtcNow:O}");
            return string.Join("\n", lines);
        }

        /// <summary>Runs <paramref name="sql"/> in a transaction that stays open (its locks held) until disposed.</summary>
        public Held Begin(string sql)
        {
            var c = Open();
            var tx = c.BeginTransaction();
            using var cmd = new NpgsqlCommand(sql, c, tx);
            cmd.Parameters.AddWithValue("flight", flightId);
            cmd.ExecuteNonQuery();
            return new Held(c, tx);
        }

        private T Scalar<T>(string sql, Held? held = null)
        {
            using var own = held is null ? Open() : null;
            using var cmd = new NpgsqlCommand(sql, held?.Connection ?? own, held?.Transaction);
            cmd.Parameters.AddWithValue("flight", flightId);
            object? value = cmd.ExecuteScalar();
            return value is null or DBNull ? default! : (T)value;
        }

        private NpgsqlConnection Open()
        {
            var c = new NpgsqlConnection(connectionString);
            c.Open();
            return c;
        }
    }

    /// <summary>An open transaction and its connection; disposing rolls it back, releasing its locks.</summary>
    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction) : IDisposable
    {
        public NpgsqlConnection Connection { get; } = connection;

        public NpgsqlTransaction Transaction { get; } = transaction;

        public void Dispose()
        {
            Transaction.Dispose();
            Connection.Dispose();
        }
    }

    /// <summary>Reads the flight's progress from the service's SQLite file (WAL: reading never blocks it).</summary>
    private sealed class SqliteProbe(string path, string flightId)
    {
        private readonly string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();

        public long Stored(SqliteHeld? held = null) => Scalar<long>("SELECT COUNT(*) FROM photos WHERE flight_id = $flight;", held);

        public string? State(SqliteHeld? held = null) => Scalar<string?>("SELECT state FROM flight_work WHERE flight_id = $flight;", held);

        public long Runs() => Scalar<long>("SELECT COUNT(*) FROM runs WHERE flight_id = $flight;");

        public bool RunFinished() => Scalar<long>("SELECT COUNT(*) FROM runs WHERE flight_id = $flight AND finished_at IS NOT NULL;") > 0;

        /// <summary>Takes the database's write lock (<c>BEGIN IMMEDIATE</c>) until disposed: the service's writes wait.</summary>
        public SqliteHeld BeginImmediate()
        {
            var c = new SqliteConnection(connectionString);
            c.Open();
            using (var begin = c.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                begin.ExecuteNonQuery();
            }

            return new SqliteHeld(c);
        }

        private T Scalar<T>(string sql, SqliteHeld? held = null)
        {
            using var own = held is null ? new SqliteConnection(connectionString) : null;
            own?.Open();
            using var cmd = (held?.Connection ?? own)!.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("$flight", flightId);
            object? value = cmd.ExecuteScalar();
            return value is null or DBNull ? default! : (T)value;
        }
    }

    /// <summary>A SQLite connection inside <c>BEGIN IMMEDIATE</c>; disposing rolls back and closes it.</summary>
    private sealed class SqliteHeld(SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public void Dispose()
        {
            using (var rollback = Connection.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                rollback.ExecuteNonQuery();
            }

            Connection.Dispose();
        }
    }
}
