using DroneScan.Core.Geodesy;

namespace DroneScan.Core.Terrain;

/// <summary>The vertical datums DroneScan converts between.</summary>
public enum VerticalDatum
{
    /// <summary>Height above the EGM2008 geoid (Copernicus DEMs).</summary>
    Egm2008,

    /// <summary>Height above the EGM96 geoid (most DJI AbsoluteAltitude; EXIF "above sea level").</summary>
    Egm96,

    /// <summary>Height above the WGS84 ellipsoid (GNSS, RTK, photogrammetric DEMs).</summary>
    Ellipsoid,
}

/// <summary>
/// Geoid undulations N (ellipsoid height − geoid height, metres) for the geoids in use; an ellipsoid height is a
/// geoid height plus N. A geoid with no grid given is taken from the other one (EGM2008 from EGM96: they differ
/// by tens of centimetres, up to a few metres in high mountains) and <see cref="Approximations"/> says so.
/// </summary>
public sealed class GeoidModels(ITerrain? egm96, ITerrain? egm2008)
{
    /// <summary>Notes on geoids stood in for by another, for a warning; empty when every grid was given.</summary>
    public IReadOnlyList<string> Approximations { get; } = (egm96, egm2008) switch
    {
        (not null, null) => ["EGM2008 undulations are taken from the EGM96 grid (no EGM2008 grid given): up to a few metres off in high mountains"],
        (null, not null) => ["EGM96 undulations are taken from the EGM2008 grid (no EGM96 grid given)"],
        _ => [],
    };

    /// <summary>N of a datum at a position: 0 for the ellipsoid; null where the grid has no value.</summary>
    public double? Undulation(VerticalDatum datum, GeoPoint at) => datum switch
    {
        VerticalDatum.Ellipsoid => 0,
        VerticalDatum.Egm96 => (egm96 ?? egm2008)?.HeightAt(at),
        _ => (egm2008 ?? egm96)?.HeightAt(at),
    };

    /// <summary>
    /// The DEM's heights expressed in another datum: h_to = h_from + N_from − N_to. The same terrain when the
    /// datums agree.
    /// </summary>
    public ITerrain Convert(ITerrain dem, VerticalDatum from, VerticalDatum to)
    {
        ArgumentNullException.ThrowIfNull(dem);
        if (from == to)
        {
            return dem;
        }

        return new ShiftedTerrain(dem, p => (Undulation(from, p) ?? double.NaN) - (Undulation(to, p) ?? double.NaN), $"{from} → {to}");
    }

    /// <summary>Whether converting between two datums needs a geoid grid.</summary>
    public static bool NeedsGrid(VerticalDatum from, VerticalDatum to) => from != to;
}
