namespace DroneScan.Web.Map;

/// <summary>What the map draws of one flight beyond its points: each photo with its footprint and, for a near-nadir
/// photo, the corners its reduced copy is warped to; the suggested hazard areas; each point's relative and absolute
/// uncertainty. Coordinates are <c>[lat, lon]</c> pairs (WGS84 degrees), as the map library takes them.</summary>
public sealed record FlightMapDto(IReadOnlyList<MapPhotoDto> Photos, IReadOnlyList<MapAreaDto> Areas, IReadOnlyList<MapPointDto> Points);

/// <summary>A used photo. <c>Corners</c>: the ground points of its top-left, top-right, bottom-right and bottom-left
/// pixels, null for an oblique photo whose footprint is cut (then <c>Overlay</c> is null too: outline only).
/// <c>Overlay</c>: the address of its reduced copy (JPEG, longest side ≤ 1024 px). <c>Model</c>: the model the photo ran
/// through (with automatic model choice, photos of one flight differ).</summary>
public sealed record MapPhotoDto(string PhotoId, string FileName, double? GsdM, IReadOnlyList<double[]> Footprint, IReadOnlyList<double[]>? Corners, string? Overlay, string? Model = null);

/// <summary>A suggested hazard area: the points' buffers merged. <c>Rings</c>: the outline, then any holes.</summary>
public sealed record MapAreaDto(string Id, double AreaM2, double BufferM, IReadOnlyList<string> HazardIds, IReadOnlyList<IReadOnlyList<double[]>> Rings);

/// <summary>A hazard point's position error, metres. Absolute (<c>SigmaM</c>, <c>R90M</c>): where it is on the Earth,
/// dominated by the GNSS error every photo of the flight shares. Relative (<c>RelativeSigmaM</c>, <c>RelativeR90M</c>):
/// how well it sits against the other points and the photos of the flight (see docs/hazard-points.md).</summary>
public sealed record MapPointDto(string Id, double SigmaM, double R90M, double RelativeSigmaM, double RelativeR90M);

/// <summary><c>GET /api/basemap</c>: whether the server has an offline base map and how to ask for its tiles
/// (<c>Tiles</c>: a URL template relative to the site, <c>{z}/{x}/{y}</c> in the XYZ scheme).</summary>
public sealed record BaseMapDto(bool Available, string? Name, string? Format, int? MinZoom, int? MaxZoom, IReadOnlyList<double>? Bounds, string? Attribution, string? Tiles)
{
    public static BaseMapDto None { get; } = new(false, null, null, null, null, null, null, null);
}
