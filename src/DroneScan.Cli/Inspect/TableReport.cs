using System.Globalization;
using DroneScan.Core.Photos;

namespace DroneScan.Cli.Inspect;

/// <summary>A human table: one row per photo, then each photo's warnings and errors.</summary>
internal sealed class TableReport(TextWriter output) : IInspectReport
{
    private readonly List<string[]> _rows = [];
    private readonly List<PhotoDiagnostic> _diagnostics = [];
    private int _usable;

    private static readonly string[] Header = ["file", "size", "camera", "AGL m (source)", "yaw/pitch/roll (source)", "GSD cm/px", "centre lat, lon", "±1σ / r90 m", "footprint m²"];

    public void Write(InspectResult result)
    {
        var p = result.Photo;
        var m = p.Metadata;
        var c = CultureInfo.InvariantCulture;
        _usable += p.IsGeoreferenced ? 1 : 0;
        _rows.Add(
        [
            m.FileName,
            p.Width is { } w ? $"{w}×{p.Height}" : "?",
            $"{m.Make} {m.Model}".Trim() is { Length: > 0 } cam ? cam : "?",
            p.AltitudeAglM is { } agl ? string.Create(c, $"{agl:0.0} ({p.AltitudeSource})") : "-",
            p.Attitude is { } a ? string.Create(c, $"{a.YawDeg:0.#}/{a.PitchDeg:0.#}/{a.RollDeg:0.#} ({p.AttitudeSource})") : "-",
            result.GsdM is { } gsd ? (gsd * 100).ToString("0.00", c) : "-",
            result.Centre is { } ctr ? string.Create(c, $"{ctr.LatitudeDeg:0.0000000}, {ctr.LongitudeDeg:0.0000000}") : "-",
            result.CentreUncertainty is { } u ? string.Create(c, $"{u.SigmaM:0.0} / {u.R90M:0.0}") : "-",
            result.FootprintAreaM2 is { } area ? area.ToString("0", c) : "-",
        ]);
        if (result.PixelGround is { } pg)
        {
            _rows.Add(["  pixel " + string.Create(c, $"{result.Pixel!.Value.U:0.#},{result.Pixel.Value.V:0.#}"), "", "", "", "", "", string.Create(c, $"{pg.Position.LatitudeDeg:0.0000000}, {pg.Position.LongitudeDeg:0.0000000}"), string.Create(c, $"{pg.Uncertainty.SigmaM:0.0} / {pg.Uncertainty.R90M:0.0}"), ""]);
        }

        _diagnostics.AddRange(p.Diagnostics);
    }

    public void Complete()
    {
        var widths = new int[Header.Length];
        foreach (var row in _rows.Prepend(Header))
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in _rows.Prepend(Header))
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }

        output.WriteLine();
        output.WriteLine($"{_rows.Count(r => !r[0].StartsWith(' '))} photo(s), {_usable} georeferenced.");
        foreach (var d in _diagnostics)
        {
            output.WriteLine(d.ToString());
        }

        output.Flush();
    }
}
