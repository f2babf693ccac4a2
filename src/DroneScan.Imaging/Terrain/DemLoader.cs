using DroneScan.Core.Terrain;

namespace DroneScan.Imaging.Terrain;

/// <summary>What to read a DEM with: its file, its vertical 1-σ, its datum (null: the file's own, else EGM2008), the
/// datum of the photos' absolute altitudes, and the geoid grids a conversion between them needs.</summary>
public sealed record DemRequest(string Path, double SigmaM, VerticalDatum? DemDatum, VerticalDatum AltitudeDatum, string Egm96Grid, string? Egm2008Grid)
{
    /// <summary>Copernicus GLO-30's absolute vertical accuracy is better than 4 m (90 %), about 2.5 m at 1 σ.</summary>
    public const double DefaultSigmaM = 2.5;

    /// <summary>The datum a DJI drone writes its absolute altitude in on most firmware.</summary>
    public const VerticalDatum DefaultAltitudeDatum = VerticalDatum.Egm96;

    /// <summary>A datum by name: <c>egm2008</c> (or <c>egm08</c>), <c>egm96</c>, <c>ellipsoid</c> (or <c>wgs84</c>); null otherwise.</summary>
    public static VerticalDatum? ParseDatum(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "egm2008" or "egm08" => VerticalDatum.Egm2008,
        "egm96" => VerticalDatum.Egm96,
        "ellipsoid" or "wgs84" => VerticalDatum.Ellipsoid,
        _ => null,
    };
}

/// <summary>
/// Reads a DEM (<see cref="GeoTiffDemReader"/>) and converts its heights into the datum of the photos' absolute
/// altitudes, through the geoid grids when the two differ: what <c>--dem</c> does on the command line and a flight's
/// DEM does in the service.
/// </summary>
public static class DemLoader
{
    /// <summary>The DEM in the photos' altitude datum.</summary>
    /// <param name="request">The file and datums.</param>
    /// <param name="warn">Told what is approximated (EGM2008 taken as EGM96 without its grid).</param>
    /// <exception cref="DemFileException">The DEM or a geoid grid is missing or unreadable, or not a DEM this reads.</exception>
    public static ITerrain Load(DemRequest request, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(warn);
        var dem = GeoTiffDemReader.Read(request.Path, request.SigmaM);
        var from = request.DemDatum ?? dem.StatedDatum switch
        {
            DemVerticalDatum.Egm96 => VerticalDatum.Egm96,
            DemVerticalDatum.Ellipsoid => VerticalDatum.Ellipsoid,
            _ => VerticalDatum.Egm2008,
        };
        var to = request.AltitudeDatum;
        if (from == to)
        {
            return dem.Grid;
        }

        bool needs96 = from == VerticalDatum.Egm96 || to == VerticalDatum.Egm96 || request.Egm2008Grid is null;
        var egm96 = needs96 ? GtxGeoidReader.Read(request.Egm96Grid) : null;
        var egm2008 = request.Egm2008Grid is { } g08 ? GeoTiffDemReader.Read(g08, 0).Grid : null;
        var geoids = new GeoidModels(egm96, egm2008);
        if (from == VerticalDatum.Egm2008 || to == VerticalDatum.Egm2008)
        {
            foreach (var note in geoids.Approximations)
            {
                warn(note);
            }
        }

        return geoids.Convert(dem.Grid, from, to);
    }
}
