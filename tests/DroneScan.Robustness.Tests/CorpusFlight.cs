using System.Security.Cryptography;
using System.Text;

namespace DroneScan.Robustness.Tests;

/// <summary>
/// One case written as a flight: <c>flight/</c> holds the case's files next to two good photos, <c>out/</c> the
/// database, and beside them a secret file that no output may ever contain. Checks what a run must do with it.
/// </summary>
internal sealed class CorpusFlight : IDisposable
{
    private readonly Dictionary<string, string> _before;

    private CorpusFlight(BadInputCase @case, string root)
    {
        Case = @case;
        Root = root;
        Folder = Path.Combine(root, "flight");
        Database = Path.Combine(root, "out", "flights.db");
        Directory.CreateDirectory(Folder);
        Directory.CreateDirectory(Path.GetDirectoryName(Database)!);
        Secret = "SECRET-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        string secretPath = Path.Combine(root, "secret.txt");
        File.WriteAllText(secretPath, Secret);

        File.WriteAllBytes(Path.Combine(Folder, BadInputCorpus.GoodPhoto1), BadInputCorpus.Good(0).ToBytes());
        File.WriteAllBytes(Path.Combine(Folder, BadInputCorpus.GoodPhoto2), BadInputCorpus.Good(0.0001).ToBytes());
        var files = @case.Files(new CorpusContext(secretPath, Secret));
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(Folder, name), bytes);
        }

        FileNames = [BadInputCorpus.GoodPhoto1, BadInputCorpus.GoodPhoto2, .. files.Select(f => f.Name)];
        _before = Snapshot();
    }

    /// <summary>The outcome of a file that an entry point does not list at all.</summary>
    public const string Hidden = "not listed (hidden file)";

    public BadInputCase Case { get; }

    public string Root { get; }

    public string Folder { get; }

    public string Database { get; }

    public string Secret { get; }

    public IReadOnlyList<string> FileNames { get; }

    public static CorpusFlight Write(BadInputCase @case) =>
        new(@case, Directory.CreateTempSubdirectory($"dronescan-corpus-{@case.Id}-").FullName);

    /// <summary>The run finished with exit code 0, used both good photos, gave the case's subject the expected
    /// outcome, leaked no secret, and wrote nothing but its database.</summary>
    public void AssertHandled(EntryPointRun run, string entryPoint, string expected)
    {
        string context = $"{entryPoint} on case '{Case.Id}'\n--- output\n{run.Output}\n--- error\n{run.Error}";
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}: {context}");
        Assert.True(run.Outcomes.TryGetValue(BadInputCorpus.GoodPhoto1, out var good1) && good1 == "ok", $"good-1.jpg: {good1}; {context}");
        Assert.True(run.Outcomes.TryGetValue(BadInputCorpus.GoodPhoto2, out var good2) && good2 == "ok", $"good-2.jpg: {good2}; {context}");
        string? actual = run.Outcomes.TryGetValue(Case.Subject, out var outcome) ? outcome : null;
        if (expected == Hidden)
        {
            // scan leaves out hidden files (names starting with '.') by design, as it does .DS_Store.
            Assert.True(actual is null, $"{Case.Subject} is hidden but got '{actual}'; {context}");
            actual = Hidden;
        }

        Assert.True(actual is not null, $"no outcome names {Case.Subject}; {context}");
        if (Environment.GetEnvironmentVariable("DRONESCAN_CORPUS_RECORD") is { Length: > 0 } record)
        {
            // Records what each run gave, to review when the corpus changes.
            File.AppendAllText(record, $"{Case.Id}\t{entryPoint}\t{actual}\n");
        }

        Assert.True(expected == actual, $"expected '{expected}', got '{actual}'; {context}");
        AssertNoSecret(run.Output + run.Error, context);
        AssertNothingWrittenOutside(context);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private void AssertNoSecret(string printed, string context)
    {
        Assert.False(printed.Contains(Secret, StringComparison.Ordinal), $"the secret file's content was printed; {context}");
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(Database)!))
        {
            byte[] bytes = File.ReadAllBytes(file);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Secret)) < 0, $"the secret file's content is in {file}; {context}");
        }
    }

    private void AssertNothingWrittenOutside(string context)
    {
        var after = Snapshot();
        string outFolder = Path.GetDirectoryName(Database)! + Path.DirectorySeparatorChar;
        foreach (var (path, hash) in after)
        {
            if (path.StartsWith(outFolder, StringComparison.Ordinal))
            {
                Assert.StartsWith(Path.GetFileName(Database), Path.GetFileName(path), StringComparison.Ordinal);
                continue;
            }

            Assert.True(_before.TryGetValue(path, out var was) && was == hash, $"{path} was written by the run; {context}");
        }

        Assert.All(_before.Keys, path => Assert.True(after.ContainsKey(path), $"{path} was removed by the run; {context}"));
    }

    private Dictionary<string, string> Snapshot() => Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
        .ToDictionary(p => p, p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))), StringComparer.Ordinal);
}
