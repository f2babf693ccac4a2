using DroneScan.Core.Hazards;

namespace DroneScan.Export;

/// <summary>Everything one export of a flight can write; each layer uses its part.</summary>
/// <param name="Flight">Provenance written on every feature (flight id and name, model).</param>
/// <param name="Hazards">Hazard points with their latest review (<see cref="ExportLayer.Points"/>).</param>
/// <param name="Coverage">The GSD-qualified covered ground (<see cref="ExportLayer.Coverage"/>), null when not computed.</param>
/// <param name="Photos">
/// The flight's photos: their file names label the points' <c>photos</c> field, and their footprints are
/// written to the coverage layer when <paramref name="IncludePhotoFootprints"/> is set.
/// </param>
/// <param name="Areas">Suggested hazard areas (<see cref="ExportLayer.Areas"/>).</param>
/// <param name="IncludePhotoFootprints">Write one coverage feature per georeferenced photo besides the union.</param>
public sealed record ExportData(
    FlightInfo Flight,
    IReadOnlyList<ReviewedHazard> Hazards,
    CoverageLayer? Coverage,
    IReadOnlyList<PhotoCoverage> Photos,
    IReadOnlyList<SuggestedHazardArea> Areas,
    bool IncludePhotoFootprints = true);
