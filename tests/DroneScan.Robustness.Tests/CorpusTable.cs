using System.Text;

namespace DroneScan.Robustness.Tests;

/// <summary>docs/bad-input-corpus.md, generated from <see cref="BadInputCorpus"/> (whose outcomes the corpus
/// tests check against real runs).</summary>
internal static class CorpusTable
{
    public static string Markdown()
    {
        var md = new StringBuilder();
        md.Append("""
            # Bad-input corpus

            Generated from `tests/DroneScan.Robustness.Tests/BadInputCorpus.cs`; do not edit by hand. Regenerate with
            `DRONESCAN_UPDATE_CORPUS_TABLE=1 dotnet test tests/DroneScan.Robustness.Tests --filter CorpusTable`.

            Each case is written into a flight folder of its own next to two good photos and run through `inspect`,
            `detect` and `scan` (in-process, `--agl 40 --focal-px 2000`; detect and scan with the white-box test
            model). Every run must: give the case's file the outcome below, naming the file; still use both good
            photos; exit with code 0; finish within 90 s; print no byte of a secret file placed beside the flight
            (the XXE cases try to read it); and write nothing but its database.

            Outcomes: `ok`; inspect `error CODES` / `warning CODES` (warnings the good photos also get are left
            out); detect `error CODE` (the start of the photo's `error`); scan `failed CODE` / `skipped CODE`.
            `inspect` reads metadata only, so damage to the image data is found by `detect` and `scan`.


            """.ReplaceLineEndings("\n"));
        md.Append("| Case | Input | inspect | detect | scan |\n|---|---|---|---|---|\n");
        foreach (var c in BadInputCorpus.Cases)
        {
            md.Append(System.Globalization.CultureInfo.InvariantCulture, $"| `{c.Id}` | {Escape(c.Description)} | {c.Inspect} | {c.Detect} | {c.Scan} |\n");
        }

        md.Append("""

            Also checked: a per-photo time limit (`--photo-timeout S`, default 120) fails a slow photo with `timeout`
            and the run goes on; a configured pixel limit (`--max-megapixels MP`, default 150) refuses a photo from
            its header with `image-too-large`. The fuzz tests (`FuzzTests`) mutate real photos; see the class
            comment for the long run.

            """.ReplaceLineEndings("\n"));
        return md.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
