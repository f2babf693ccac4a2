using System.Text.Json;
using System.Text.RegularExpressions;
using DroneScan.Cli;

namespace DroneScan.Robustness.Tests;

/// <summary>What one CLI run printed, and the outcome it gave each photo file (by file name).</summary>
internal sealed record EntryPointRun(int ExitCode, string Output, string Error, IReadOnlyDictionary<string, string> Outcomes);

/// <summary>Runs the three CLI entry points in-process, as a user would call them, and reads each photo's
/// outcome out of what they print: inspect and detect JSON lines, scan's per-photo progress lines.</summary>
internal static partial class EntryPoints
{
    public static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(90);

    /// <summary>Inspect; a photo's warnings that the good photos also get (e.g. an assumed attitude) are not
    /// part of its outcome.</summary>
    public static EntryPointRun Inspect(string folder)
    {
        var (code, output, error) = Run(["inspect", folder, "--json", .. BadInputCorpus.CommonOptions]);
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        var documents = Lines(output).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var benign = documents.Where(d => d.GetProperty("file").GetString() == BadInputCorpus.GoodPhoto1).SelectMany(d => Codes(d, "warnings")).ToHashSet();
        foreach (var root in documents)
        {
            var errors = Codes(root, "errors");
            var warnings = Codes(root, "warnings").Where(c => !benign.Contains(c)).ToList();
            outcomes[root.GetProperty("file").GetString()!] = errors.Count > 0 ? "error " + string.Join(", ", errors)
                : warnings.Count > 0 ? "warning " + string.Join(", ", warnings)
                : "ok";
        }

        return new EntryPointRun(code, output, error, outcomes);
    }

    public static EntryPointRun Detect(string folder, params string[] more)
    {
        var (code, output, error) = Run(["detect", folder, "--json", "--model", TestPaths.WhiteBoxModel, "--no-gsd-scale", .. BadInputCorpus.CommonOptions, .. more]);
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Lines(output))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            string? problem = root.GetProperty("error").GetString();
            outcomes[Path.GetFileName(root.GetProperty("file").GetString()!)] = problem is null ? "ok" : "error " + problem.Split(':')[0];
        }

        return new EntryPointRun(code, output, error, outcomes);
    }

    public static EntryPointRun Scan(string folder, string database, IReadOnlyCollection<string> fileNames, params string[] more)
    {
        var (code, output, error) = Run(["scan", folder, "--model", TestPaths.WhiteBoxModel, "--db", database, .. BadInputCorpus.CommonOptions, .. more]);
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var progress = ProgressLine().Match(line.TrimEnd('\r'));
            if (!progress.Success)
            {
                continue;
            }

            // Lines start "relative/path: …"; here every photo is at the top of the flight folder.
            string text = progress.Groups["text"].Value;
            string? file = fileNames.Where(n => text.StartsWith(n + ": ", StringComparison.Ordinal)).MaxBy(n => n.Length);
            if (file is null)
            {
                continue;
            }

            var problem = ProblemSuffix().Match(text);
            outcomes[file] = problem.Success ? $"{problem.Groups["outcome"].Value} {problem.Groups["code"].Value}" : "ok";
        }

        return new EntryPointRun(code, output, error, outcomes);
    }

    /// <summary>Runs a command line in-process with a wall-clock limit: a hang fails the test instead of stalling it.</summary>
    private static (int Code, string Output, string Error) Run(string[] args)
    {
        var run = Task.Run(() =>
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            int code = DroneScanCommand.Run(args, output, error);
            return (code, output.ToString(), error.ToString());
        });
        Assert.True(run.Wait(RunLimit), $"dronescan {string.Join(' ', args)} did not finish within {RunLimit.TotalSeconds} s");
        return run.Result;
    }

    private static IEnumerable<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('{'));

    private static List<string> Codes(JsonElement root, string property) =>
        root.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(d => d.GetProperty("code").GetString()!).Distinct().ToList()
            : [];

    [GeneratedRegex(@"^\[\d+/\d+\] (?<text>.*)$")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"\((?<outcome>failed|skipped), (?<code>[a-z0-9-]+)\)$")]
    private static partial Regex ProblemSuffix();
}
