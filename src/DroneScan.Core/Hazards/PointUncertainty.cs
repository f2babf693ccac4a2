namespace DroneScan.Core.Hazards;

/// <summary>
/// The error of a hazard point merged from several views by inverse-variance weights (wᵢ = 1/σᵢ²). Each view's
/// 1-σ splits into the part that photos taken close together share (the GNSS bias, <see cref="Observation.SharedSigmaM"/>)
/// and an independent remainder. The shared part does not average out over the views, the remainder does:
/// absolute σ² = Σwᵢ·sharedᵢ² / Σwᵢ + relative σ², relative σ² = Σwᵢ²·(σᵢ² − sharedᵢ²) / (Σwᵢ)². The relative part says
/// how well the point sits against the other points and the photos of the flight; the absolute one where it is on
/// the Earth (GNSS). Written once: the clusterer places points with it, the map shows both parts.
/// </summary>
public static class PointUncertainty
{
    /// <summary>The weight of a view with absolute 1-σ <paramref name="sigmaM"/> (metres): 1/σ².</summary>
    public static double Weight(double sigmaM) => 1 / Math.Max(sigmaM * sigmaM, 1e-12);

    /// <summary>A view's shared part, capped at its total: a photo cannot share more error than it has.</summary>
    public static double SharedM(Observation view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return Math.Clamp(view.SharedSigmaM, 0, view.Uncertainty.SigmaM);
    }

    /// <summary>
    /// Absolute and relative variance (m²) of the weighted mean of <paramref name="views"/>. Each view's independent
    /// variance is floored at half the square of <paramref name="relativeSigmaFloorM"/> (the pair floor of
    /// <see cref="ClusterOptions.RelativeSigmaFloorM"/> split between the two views: box centre, lens, flat ground).
    /// </summary>
    public static (double AbsoluteM2, double RelativeM2) Variances(IEnumerable<Observation> views, double relativeSigmaFloorM)
    {
        ArgumentNullException.ThrowIfNull(views);
        double independentFloor = relativeSigmaFloorM * relativeSigmaFloorM / 2;
        double sw = 0, sharedVar = 0, independentVar = 0;
        foreach (var view in views)
        {
            double sigma = view.Uncertainty.SigmaM, shared = SharedM(view);
            double w = Weight(sigma);
            sw += w;
            sharedVar += w * shared * shared;
            independentVar += w * w * Math.Max((sigma * sigma) - (shared * shared), independentFloor);
        }

        if (sw == 0)
        {
            return (double.NaN, double.NaN);
        }

        double relative = independentVar / (sw * sw);
        return ((sharedVar / sw) + relative, relative);
    }
}
