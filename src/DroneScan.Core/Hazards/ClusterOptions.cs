namespace DroneScan.Core.Hazards;

/// <summary>How <see cref="HazardClusterer"/> decides that observations in different photos are one object.</summary>
public sealed record ClusterOptions
{
    /// <summary>Gate width k in standard deviations, for both the absolute gate k·√(σa² + σb²) and the relative
    /// gate k·σ_rel. 3 keeps 99 % of true matches of a circular normal error (P(r ≤ 3σ) = 1 − e^(−4.5)).</summary>
    public double GateSigmas { get; init; } = 3;

    /// <summary>
    /// Lowest relative 1-σ between two observations, m. The shared GNSS error cancels between photos of one
    /// flight line, but the box centre, lens distortion and the flat-ground assumption do not; 0.15 m is a few
    /// pixels at 30–50 m AGL.
    /// </summary>
    public double RelativeSigmaFloorM { get; init; } = 0.15;

    /// <summary>
    /// Correlation time of the GNSS position error, seconds (a first-order Gauss–Markov process): between two
    /// photos Δt apart the shared error differs by √2·σ·√(1 − e^(−Δt/τ)). Consumer receivers drift over minutes
    /// (multipath, ionosphere, satellite geometry: correlation times of 10–30 min are typical for a standalone
    /// receiver), so photos seconds apart disagree by decimetres, not metres.
    /// Without capture times the errors are taken as independent.
    /// </summary>
    public double GnssCorrelationTimeS { get; init; } = 900;

    /// <summary>Hazard points seen in fewer photos are dropped (1 keeps everything: a mine seen once is still a mine).</summary>
    public int MinObservations { get; init; } = 1;

    /// <summary>
    /// Groups of class names that may describe the same object (e.g. <c>["ap_mine", "at_mine"]</c> when the model
    /// confuses the two). By default only the same class merges: a box called <c>uxo</c> in one photo and
    /// <c>ap_mine</c> in the next stays two points, so the disagreement reaches a person instead of being voted away.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> CompatibleClassGroups { get; init; } = [];

    /// <summary>
    /// Views of different classes are still one object when, after the photo pair's offset is removed, their ground
    /// positions lie closer than the smaller of their ground boxes' radii (centre to farthest corner) and within the
    /// relative gate: two physical objects cannot occupy that ground. The point keeps every class's votes, so the
    /// model's disagreement still reaches the reviewer — on one point, not two. Views without a ground box never
    /// merge across classes. On by default; false keeps every class apart.
    /// </summary>
    public bool MergeOverlappingViews { get; init; } = true;

    /// <summary>True when observations of these two classes may be merged (same name, or named in one group).</summary>
    public bool AreCompatible(string classA, string classB)
    {
        if (string.Equals(classA, classB, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var group in CompatibleClassGroups)
        {
            if (group.Contains(classA, StringComparer.Ordinal) && group.Contains(classB, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
