using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DroneScan.Robustness.Tests;

/// <summary>What the upload API made of one case: the answer to the upload and, when a flight was created, the
/// flight once processed; and the outcome it gave each file of the case (by file name).</summary>
internal sealed record UploadRun(CorpusFlight Flight, HttpStatusCode Status, JsonElement Answer, string? FlightId, JsonElement? Processed, IReadOnlyDictionary<string, string> Outcomes)
{
    /// <summary>The upload's answer and the processed flight, as the client saw them.</summary>
    public string Seen => $"{(int)Status} {Answer}\n--- flight\n{Processed}";
}

/// <summary>
/// The fourth entry point: the service's upload API (<c>POST /api/flights</c>, multipart, one file part per photo),
/// in-process on Kestrel with SQLite and a Hangfire server, running the white-box model. Every case of the corpus is
/// uploaded as a flight of its own (with the two good photos) at start; the flights are processed together, which
/// keeps the whole corpus to a few seconds of detector time.
/// </summary>
public sealed class UploadEntryPoint : IAsyncLifetime
{
    public static readonly TimeSpan ProcessingTimeout = TimeSpan.FromMinutes(4);

    private readonly Dictionary<string, UploadRun> runs = new(StringComparer.Ordinal);
    private WebApplication app = null!;

    public string DataDir { get; } = Directory.CreateTempSubdirectory("dronescan-upload-corpus-").FullName;

    internal UploadRun this[string caseId] => runs[caseId];

    internal IEnumerable<UploadRun> Runs => runs.Values;

    public async Task InitializeAsync()
    {
        app = DroneScanWebApp.Build(new HostSettings { Urls = "http://127.0.0.1:0", DataDir = DataDir, ModelPath = TestPaths.WhiteBoxModel, Workers = 2 });
        await app.StartAsync();
        string token = app.Services.GetRequiredService<UserAdmin>().Create("corpus-operator", [Roles.Operator]).Token;
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var uploaded = new List<(CorpusFlight Flight, HttpStatusCode Status, JsonElement Answer)>();
        foreach (var @case in BadInputCorpus.Cases)
        {
            var flight = CorpusFlight.Write(@case);
            using var form = new MultipartFormDataContent { { new StringContent(@case.Id), "name" }, { new StringContent("robustness corpus"), "site" } };
            foreach (var name in flight.FileNames)
            {
                form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(flight.Folder, name))), "photos", name);
            }

            using var response = await client.PostAsync("/api/flights", form);
            uploaded.Add((flight, response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>()));
        }

        var deadline = DateTime.UtcNow + ProcessingTimeout;
        foreach (var (flight, status, answer) in uploaded)
        {
            string? id = status == HttpStatusCode.Created ? answer.GetProperty("id").GetString() : null;
            JsonElement? processed = id is null ? null : await WaitForDoneAsync(client, id, deadline);
            runs[flight.Case.Id] = new UploadRun(flight, status, answer, id, processed, Outcomes(flight, status, answer, processed));
        }
    }

    public async Task DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        foreach (var run in runs.Values)
        {
            run.Flight.Dispose();
        }

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

    /// <summary><c>ok</c>; <c>not used CODE</c> (a photo problem of the flight); <c>ignored CODE</c> (listed as not used
    /// in the upload's answer); <c>refused STATUS</c> (the whole upload).</summary>
    private static Dictionary<string, string> Outcomes(CorpusFlight flight, HttpStatusCode status, JsonElement answer, JsonElement? processed)
    {
        if (status != HttpStatusCode.Created)
        {
            return flight.FileNames.Distinct().ToDictionary(n => n, _ => $"refused {(int)status}", StringComparer.Ordinal);
        }

        var outcomes = flight.FileNames.Distinct().ToDictionary(n => n, _ => "ok", StringComparer.Ordinal);
        foreach (var ignored in answer.GetProperty("ignored").EnumerateArray())
        {
            outcomes[ignored.GetProperty("file").GetString()!] = "ignored " + ignored.GetProperty("code").GetString();
        }

        foreach (var problem in processed!.Value.GetProperty("photos").GetProperty("problems").EnumerateArray())
        {
            outcomes[problem.GetProperty("file").GetString()!] = "not used " + problem.GetProperty("code").GetString();
        }

        return outcomes;
    }

    private static async Task<JsonElement> WaitForDoneAsync(HttpClient client, string flightId, DateTime deadline)
    {
        JsonElement flight;
        do
        {
            flight = await client.GetFromJsonAsync<JsonElement>($"/api/flights/{flightId}");
            // Finished: done, or done-with-problems (the corpus case is a photo not used), or failed (none used).
            if (flight.GetProperty("status").GetString() is "done" or "done-with-problems" or "failed")
            {
                return flight;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"flight {flightId} not done within {ProcessingTimeout}: {flight}");
    }
}
