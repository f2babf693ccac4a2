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

            The same files are also uploaded through the service's API (`POST /api/flights`, one file part per
            photo, `UploadCorpusTests`: the service in-process with SQLite and its Hangfire worker, the white-box
            model, the service's defaults, so no `--agl` or `--focal-px`), one flight per case, all processed
            together. Each upload must: be answered with the case's file named and its reason, in the answer's
            `ignored` list or the processed flight's `photos.problems`, or be refused with a 4xx whose `detail` names
            the file; still use both good photos when accepted; leak no secret to the API or the data folder; and
            leave nothing in the data folder but the databases and each flight's accepted photos in its own folder.

            Outcomes: `ok`; inspect `error CODES` / `warning CODES` (warnings the good photos also get are left
            out); detect `error CODE` (the start of the photo's `error`); scan `failed CODE` / `skipped CODE`;
            upload `not used CODE` (skipped or failed, in the flight's photo problems) / `ignored CODE` (in the
            upload's answer) / `refused STATUS` (the whole upload). `inspect` reads metadata only, so damage to the
            image data is found by `detect`, `scan` and the upload.


            """.ReplaceLineEndings("\n"));
        md.Append("| Case | Input | inspect | detect | scan | upload |\n|---|---|---|---|---|---|\n");
        foreach (var c in BadInputCorpus.Cases)
        {
            md.Append(System.Globalization.CultureInfo.InvariantCulture, $"| `{c.Id}` | {Escape(c.Description)} | {c.Inspect} | {c.Detect} | {c.Scan} | {c.Upload} |\n");
        }

        md.Append("""

            Also checked: a per-photo time limit (`--photo-timeout S`, default 120) fails a slow photo with `timeout`
            and the run goes on; a configured pixel limit (`--max-megapixels MP`, default 150) refuses a photo from
            its header with `image-too-large`. The fuzz tests (`FuzzTests`) mutate real photos; see the class
            comment for the long run. What the upload API does with hostile requests rather than bad photos (zip
            entries with `..`, absolute paths or symlinks, zip bombs, nested zips, repeated names, requests over
            the size limit) is checked by `ZipUploadTests` in `tests/DroneScan.Web.Tests`.

            """.ReplaceLineEndings("\n"));
        return md.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
