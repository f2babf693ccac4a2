namespace DroneScan.Synth.Flight;

/// <summary>
/// What a synthetic demo flight looks like. Every random choice inside is drawn from generators seeded by
/// <see cref="Seed"/>, so the same options give the same bytes.
/// </summary>
public sealed record FlightOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>Number of photos, spread over <see cref="Lines"/> flight lines (lawn-mower pattern).</summary>
    public int Photos { get; init; } = 18;

    public int Lines { get; init; } = 3;

    /// <summary>Nominal camera height above the (flat) ground, metres; each photo varies it by a few centimetres.</summary>
    public double AltitudeAglM { get; init; } = 25;

    /// <summary>Heading of the first flight line, degrees clockwise from true north; lines alternate direction.</summary>
    public double HeadingDeg { get; init; } = 30;

    /// <summary>Photo size, pixels (landscape: the long side across the flight line).</summary>
    public int WidthPx { get; init; } = 2000;

    public int HeightPx { get; init; } = 1500;

    /// <summary>35 mm-equivalent focal length written to EXIF (an integer there), which fixes the focal length
    /// in pixels DroneScan uses: f_px = f35 · √(W² + H²) / 43.27. 87 mm on 2000 × 1500 px is 5027 px: 0.50 cm/px at 25 m.</summary>
    public int FocalLength35mm { get; init; } = 87;

    /// <summary>Overlap of consecutive photos along a line and of neighbouring lines, fractions of the footprint.</summary>
    public double ForwardOverlap { get; init; } = 0.65;

    public double SideOverlap { get; init; } = 0.4;

    /// <summary>WGS84 position of the centre of the flight, and the ground elevation there (metres, the GPS
    /// altitude datum; the ground is flat).</summary>
    public double OriginLatitudeDeg { get; init; } = 40.0;

    public double OriginLongitudeDeg { get; init; } = 47.0;

    public double GroundElevationM { get; init; } = 250;

    /// <summary>A GPS position error common to the whole flight, metres east and north: written positions are
    /// true positions plus this; pixels are rendered from the true positions.</summary>
    public double GpsBiasEastM { get; init; }

    public double GpsBiasNorthM { get; init; }

    /// <summary>Ground sample distance of the ground mosaic the photos are rendered from, metres per pixel.</summary>
    public double MosaicGsdM { get; init; } = 0.0035;

    /// <summary>The CC0 photo the ground is cut from, with its ground sample distance.</summary>
    public required BackgroundPhoto Background { get; init; }

    public int Targets { get; init; } = 10;

    public int Negatives { get; init; } = 4;

    /// <summary>Smallest distance between planted items, except for one pair planted <see cref="PairSpacingM"/> apart.</summary>
    public double MinSpacingM { get; init; } = 3;

    public double PairSpacingM { get; init; } = 1;

    public int JpegQuality { get; init; } = 88;

    /// <summary>
    /// A real DEM to drape the ground over (heights in its own datum, which the written altitudes then use), or
    /// null for flat ground. With it, <see cref="GroundElevationM"/> is ignored: the ground under the flight
    /// centre is the DEM's, the camera flies at a constant altitude <see cref="AltitudeAglM"/> above that point,
    /// and every pixel is ray-cast against the terrain with DroneScan's own model.
    /// </summary>
    public DroneScan.Core.Terrain.ITerrain? Terrain { get; init; }

    /// <summary>With a DEM: how far below the flight centre's ground the drone took off; its relative altitude
    /// (what a flat-ground model takes as the height) is then this much more than the height over the centre.</summary>
    public double TakeOffBelowCentreM { get; init; } = 8;

    /// <summary>Capture time of the first photo (local time, written with its UTC offset).</summary>
    public DateTime StartLocal { get; init; } = new(2025, 5, 14, 10, 30, 0, DateTimeKind.Unspecified);

    public TimeSpan UtcOffset { get; init; } = TimeSpan.FromHours(4);
}
