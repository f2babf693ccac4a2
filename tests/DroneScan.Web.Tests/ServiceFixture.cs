using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DroneScan.Web.Tests;

/// <summary>Test data paths, in one place.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string DemoFlight => Path.Combine(RepoRoot, "data-samples", "demo-flight");

    public static string Model => Path.Combine(RepoRoot, "models", "dronescan-rgb.onnx");

    public static string ThermalModel => Path.Combine(RepoRoot, "models", "dronescan-thermal.onnx");

    /// <summary>A DJI ZH20T thermal frame (XMP ImageSource InfraredCamera, position and nadir attitude; made by
    /// <c>tools/fixtures/make-sensor-photos.sh</c>).</summary>
    public static string ThermalFrame => Path.Combine(RepoRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "sensor", "DJI_20240501101500_0001_T.JPG");

    /// <summary>The test base map over the demo flight (made by <c>tools/fixtures/make-basemap-mbtiles.sh</c>).</summary>
    public static string BaseMap => Path.Combine(RepoRoot, "tests", "Shared", "Fixtures", "demo-area.mbtiles");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DroneScan.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// One real service for the whole test run (Hangfire keeps its storage in a static): Kestrel on 127.0.0.1 with an
/// ephemeral port, SQLite files in a temp folder, an in-process Hangfire server, both shipped models (RGB and thermal:
/// automatic model choice), the test base map, one user per role, and the demo flight uploaded (as files) and processed once.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public static readonly TimeSpan ProcessingTimeout = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, string> tokens = [];

    public string DataDir { get; } = Directory.CreateTempSubdirectory("dronescan-web-test-").FullName;

    public WebApplication App { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The demo flight, uploaded as files and processed.</summary>
    public string DemoFlightId { get; private set; } = "";

    public IServiceProvider Services => App.Services;

    public async Task InitializeAsync()
    {
        App = DroneScanWebApp.Build(new HostSettings { Urls = "http://127.0.0.1:0", DataDir = DataDir, ModelPaths = [TestPaths.Model, TestPaths.ThermalModel], Workers = 2, BaseMapFile = TestPaths.BaseMap });
        await App.StartAsync();
        BaseAddress = new Uri(App.Urls.First());
        var admin = Services.GetRequiredService<UserAdmin>();
        foreach (var role in Roles.All)
        {
            tokens[role] = admin.Create(role + "-user", [role]).Token;
        }

        using var client = Client(Roles.Operator);
        DemoFlightId = await UploadFilesAsync(client, Directory.GetFiles(TestPaths.DemoFlight, "*.jpg"), "demo");
        await WaitForDoneAsync(client, DemoFlightId);
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Hangfire's SQLite file may still be held for a moment: a leftover temp folder is harmless.
        }
    }

    /// <summary>A client signed in with the role's API token; null role: anonymous. Redirects are not followed.</summary>
    public HttpClient Client(string? role)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[role]);
        }

        return client;
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static async Task<string> UploadFilesAsync(HttpClient client, IEnumerable<string> files, string name)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new StringContent("test range"), "site" } };
        foreach (var file in files)
        {
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(file)), "photos", Path.GetFileName(file));
        }

        return await CreatedIdAsync(await client.PostAsync("/api/flights", form));
    }

    public static async Task<HttpResponseMessage> UploadZipAsync(HttpClient client, byte[] zip, string name)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new ByteArrayContent(zip), "photos", "flight.zip" } };
        return await client.PostAsync("/api/flights", form);
    }

    public static byte[] Zip(IEnumerable<(string Name, byte[] Bytes)> entries, Action<ZipArchiveEntry>? tweak = null)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                var entry = zip.CreateEntry(name);
                tweak?.Invoke(entry);
                using var s = entry.Open();
                s.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    public static async Task<string> CreatedIdAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Polls the flight until processing has ended (<c>done</c>, <c>done-with-problems</c> or <c>failed</c>);
    /// returns the last flight document.</summary>
    public static async Task<JsonElement> WaitForDoneAsync(HttpClient client, string flightId)
    {
        var deadline = DateTime.UtcNow + ProcessingTimeout;
        JsonElement flight;
        do
        {
            flight = await client.GetFromJsonAsync<JsonElement>($"/api/flights/{flightId}");
            if (flight.GetProperty("status").GetString() is "done" or "done-with-problems" or "failed")
            {
                return flight;
            }

            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"flight {flightId} not done after {ProcessingTimeout}: {flight}");
    }

    /// <summary>A flight's hazard points as comparable keys: position rounded to ~1 cm (1e-7°), class, observations.</summary>
    public static HashSet<(double Lat, double Lon, string Class, int Observations)> HazardKeys(IFlightStore store, string flightId) =>
        store.GetHazards(flightId).Select(h => Key(h.Point.Position.LatitudeDeg, h.Point.Position.LongitudeDeg, h.Point.ClassName, h.Point.ObservationCount)).ToHashSet();

    public static (double, double, string, int) Key(double lat, double lon, string cls, int n) => (Math.Round(lat, 7), Math.Round(lon, 7), cls, n);
}

[CollectionDefinition(Name)]
public sealed class ServiceGroup : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
