using System.Net;
using System.Text;

namespace DroneScan.Robustness.Tests;

/// <summary>
/// Every case of <see cref="BadInputCorpus"/> through the service's upload API, each uploaded as a flight with the
/// two good photos: the upload is answered clearly (the case's file named with its reason in the upload's answer or
/// the flight's photo problems, or a 4xx naming the file), the good photos are used, no secret leaks, and nothing
/// is written outside the flight's folder.
/// </summary>
public sealed class UploadCorpusTests(UploadEntryPoint upload) : IClassFixture<UploadEntryPoint>
{
    public static TheoryData<string> CaseIds => new(BadInputCorpus.Cases.Select(c => c.Id));

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Upload_GivesTheExpectedOutcome_AndUsesTheOtherPhotos(string id)
    {
        var run = upload[id];
        var @case = run.Flight.Case;
        string context = $"upload of case '{id}'\n{run.Seen}";
        string actual = run.Outcomes[@case.Subject];
        if (Environment.GetEnvironmentVariable("DRONESCAN_CORPUS_RECORD") is { Length: > 0 } record)
        {
            File.AppendAllText(record, $"{id}\tupload\t{actual}\n");
        }

        Assert.True(@case.Upload == actual, $"expected '{@case.Upload}', got '{actual}'; {context}");
        if (run.Status == HttpStatusCode.Created)
        {
            Assert.True(run.Outcomes[BadInputCorpus.GoodPhoto1] == "ok" && run.Outcomes[BadInputCorpus.GoodPhoto2] == "ok", $"a good photo was not used; {context}");
            var photos = run.Processed!.Value.GetProperty("photos");
            Assert.True(photos.GetProperty("ok").GetInt32() >= 2, context);
            foreach (var problem in photos.GetProperty("problems").EnumerateArray())
            {
                // Each reason is a sentence of what to do (the file is named beside it), not just a code.
                Assert.True(problem.GetProperty("reason").GetString()!.Length > problem.GetProperty("code").GetString()!.Length, context);
            }
        }
        else
        {
            Assert.True((int)run.Status is >= 400 and < 500, context);
            Assert.Contains(@case.Subject, run.Answer.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(run.Flight.Secret, run.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDataFolder_HoldsTheDatabases_AndEachFlightsOwnPhotos_Only()
    {
        var created = upload.Runs.Where(r => r.FlightId is not null).ToDictionary(r => r.FlightId!, StringComparer.Ordinal);
        string flights = Path.Combine(upload.DataDir, "flights");

        Assert.Equal(created.Keys.Order(StringComparer.Ordinal), Directory.GetDirectories(flights).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in Directory.EnumerateFiles(upload.DataDir, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(upload.DataDir, file);
            if (!relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                Assert.Matches("^(dronescan|hangfire)\\.db", relative);
                continue;
            }

            var parts = relative.Split(Path.DirectorySeparatorChar);
            Assert.True(parts.Length == 3 && parts[0] == "flights" && created.ContainsKey(parts[1]), $"{relative} is not a photo in a flight's folder");
            var run = created[parts[1]];
            Assert.True(run.Outcomes.TryGetValue(parts[2], out var outcome) && !outcome.StartsWith("ignored", StringComparison.Ordinal), $"{relative}: {outcome}");
        }
    }

    [Fact]
    public void NoSecret_ReachesTheDataFolder()
    {
        var secrets = upload.Runs.Select(r => Encoding.UTF8.GetBytes(r.Flight.Secret)).ToList();
        foreach (var file in Directory.EnumerateFiles(upload.DataDir, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (FileNotFoundException)
            {
                // SQLite removes its -wal/-shm files when the last connection closes: gone between listing and reading.
                continue;
            }

            Assert.All(secrets, s => Assert.True(bytes.AsSpan().IndexOf(s) < 0, $"a secret file's content is in {file}"));
        }
    }
}
