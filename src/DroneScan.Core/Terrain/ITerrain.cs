using DroneScan.Core.Geodesy;

namespace DroneScan.Core.Terrain;

/// <summary>
/// The ground's height at a WGS84 position, in the same vertical datum as the camera altitudes it is used with
/// (see <see cref="ShiftedTerrain"/> for datum conversions). Null where the model has no value (outside it, or
/// NoData).
/// </summary>
public interface ITerrain
{
    /// <summary>A short name for messages (the DEM file's name, never its full path).</summary>
    string Name { get; }

    /// <summary>The model's stated vertical 1-σ, metres.</summary>
    double VerticalSigmaM { get; }

    /// <summary>Horizontal spacing of the model's samples, metres (used for the slope term of the error).</summary>
    double ResolutionM { get; }

    double? HeightAt(GeoPoint point);

    /// <summary>An upper bound of the ground's slope (rise over horizontal run) anywhere in the model, or NaN when
    /// none is known (a vertical step). A bound lets the ray caster take long safe steps.</summary>
    double MaxGradient => double.NaN;
}

/// <summary>A terrain whose heights are another's plus a position-dependent offset (a vertical datum change).</summary>
public sealed class ShiftedTerrain(ITerrain inner, Func<GeoPoint, double> offsetM, string datumNote) : ITerrain
{
    public string Name => inner.Name;

    public double VerticalSigmaM => inner.VerticalSigmaM;

    public double ResolutionM => inner.ResolutionM;

    /// <summary>What the offset is, for messages (e.g. "EGM2008 → EGM96").</summary>
    public string DatumNote => datumNote;

    /// <summary>The inner bound plus a margin for the geoid's own slope (well under 10⁻³).</summary>
    public double MaxGradient => inner.MaxGradient + 0.001;

    public double? HeightAt(GeoPoint point) => inner.HeightAt(point) is { } h && h + offsetM(point) is var shifted && double.IsFinite(shifted) ? shifted : null;
}
