using System.CommandLine;
using System.Globalization;
using DroneScan.Core.Terrain;
using DroneScan.Imaging.Terrain;

namespace DroneScan.Cli.Commands;

/// <summary>
/// <c>--dem</c> and its datum options, shared by inspect, detect and scan: reads the DEM once and converts its
/// heights into the datum of the photos' absolute altitudes.
/// </summary>
internal sealed class DemCliOptions
{
    /// <summary>Copernicus GLO-30's absolute vertical accuracy is better than 4 m (90 %), about 2.5 m at 1 σ.</summary>
    public const double DefaultSigmaM = DemRequest.DefaultSigmaM;

    public Option<string?> Dem { get; } = new("--dem") { Description = "Single-band GeoTIFF DEM (EPSG:4326 or a WGS84 UTM zone): place pixels on the terrain instead of a level plane", HelpName = "FILE" };

    public Option<double> DemSigma { get; } = new("--dem-sigma")
    {
        Description = "The DEM's vertical 1-sigma, metres",
        DefaultValueFactory = _ => DefaultSigmaM,
        HelpName = "M",
    };

    public Option<string?> DemDatum { get; } = new("--dem-datum") { Description = "Vertical datum of the DEM's heights: egm2008, egm96 or ellipsoid (default: the file's, else egm2008)", HelpName = "DATUM" };

    public Option<string> AltitudeDatum { get; } = new("--altitude-datum")
    {
        Description = "Vertical datum of the photos' absolute altitudes (DJI AbsoluteAltitude, EXIF GPSAltitude): egm96, egm2008 or ellipsoid",
        DefaultValueFactory = _ => "egm96",
        HelpName = "DATUM",
    };

    public Option<string> Egm96Grid { get; } = new("--egm96-grid")
    {
        Description = "EGM96 geoid grid (GTX), needed when the datums differ",
        DefaultValueFactory = _ => GtxGeoidReader.DebianEgm96Path,
        HelpName = "FILE",
    };

    public Option<string?> Egm2008Grid { get; } = new("--egm2008-grid") { Description = "EGM2008 geoid undulations as a GeoTIFF (without it EGM2008 is taken as EGM96)", HelpName = "FILE" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Dem, DemSigma, DemDatum, AltitudeDatum, Egm96Grid, Egm2008Grid })
        {
            command.Options.Add(option);
        }

        CliChecks.InRange(DemSigma, 0, 1000);
        CheckDatum(DemDatum);
        CheckDatum(AltitudeDatum);
    }

    private static void CheckDatum(Option datum) => datum.Validators.Add(r =>
    {
        if (r.Tokens.Count > 0 && ParseDatum(r.Tokens[0].Value) is null)
        {
            r.AddError($"{datum.Name} '{r.Tokens[0].Value}' is not egm2008, egm96 or ellipsoid");
        }
    });

    /// <summary>The DEM in the photos' altitude datum; null without --dem. Problems are written to
    /// <paramref name="error"/> and make <paramref name="ok"/> false.</summary>
    public ITerrain? Read(ParseResult parse, TextWriter error, out bool ok)
    {
        ok = true;
        if (parse.GetValue(Dem) is not { } path)
        {
            return null;
        }

        try
        {
            var datum = parse.GetValue(DemDatum) is { } given ? ParseDatum(given) : null;
            var request = new DemRequest(path, parse.GetValue(DemSigma), datum, ParseDatum(parse.GetValue(AltitudeDatum)!)!.Value, parse.GetValue(Egm96Grid)!, parse.GetValue(Egm2008Grid));
            return DemLoader.Load(request, note => error.WriteLine($"warning: {note}"));
        }
        catch (DemFileException ex)
        {
            error.WriteLine($"--dem: {ex.Message}");
            ok = false;
            return null;
        }
    }

    internal static VerticalDatum? ParseDatum(string text) => DemRequest.ParseDatum(text);
}
