using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Terrain;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace DroneScan.Core.Georeferencing;

/// <summary>A ground point of a pixel with its horizontal uncertainty.</summary>
public sealed record GroundPoint(GeoPoint Position, Enu OffsetFromCamera, HorizontalUncertainty Uncertainty);

/// <summary>
/// Where a photo's pixels lie on the ground: a <see cref="CameraGeometry"/> placed at the camera's WGS84
/// position, with the pose errors that go with it. Ground is the level plane <c>AltitudeAglM</c> below the
/// camera, or, given a terrain, the DEM: each pixel's ray is intersected with it (<see cref="TerrainRayCaster"/>),
/// the camera altitude then being in the terrain's vertical datum. Pixel positions are in the oriented image frame.
/// </summary>
public sealed class PhotoGeoreference
{
    private const double StepM = 0.01;
    private const double StepDeg = 0.01;

    // Points sampled along each side of the image for a footprint over a DEM.
    private const int FootprintSamplesPerSide = 8;

    private readonly TerrainRayCaster? _terrain;

    public PhotoGeoreference(GeoPoint cameraPosition, double cameraEllipsoidHeightM, CameraGeometry camera, ErrorModel errors, double maxGroundRangeM, ITerrain? terrain = null)
    {
        Frame = new LocalTangentPlane(cameraPosition.LatitudeDeg, cameraPosition.LongitudeDeg, cameraEllipsoidHeightM);
        Camera = camera;
        Errors = errors;
        MaxGroundRangeM = maxGroundRangeM;
        _terrain = terrain is null ? null : new TerrainRayCaster(Frame, terrain);
    }

    /// <summary>The DEM the pixels are placed on; null over the level plane.</summary>
    public ITerrain? Terrain => _terrain?.Terrain;

    public LocalTangentPlane Frame { get; }

    public CameraGeometry Camera { get; }

    public ErrorModel Errors { get; }

    /// <summary>Ground farther than this from the nadir is not part of the footprint (oblique views).</summary>
    public double MaxGroundRangeM { get; }

    /// <summary>WGS84 ground position of an oriented pixel, or null when its ray is at or above the horizon.</summary>
    public GeoPoint? PixelToGround(PixelPoint pixel) =>
        GroundEnu(pixel) is { } enu ? ToGeo(enu) : null;

    /// <summary>Ground position and uncertainty of a pixel, or null when it sees no ground.</summary>
    public GroundPoint? Locate(PixelPoint pixel)
    {
        if (GroundEnu(pixel) is not { } enu)
        {
            return null;
        }

        return new GroundPoint(ToGeo(enu), enu, Propagate(pixel, enu));
    }

    /// <summary>Why a pixel has no ground point over the DEM (<see cref="TerrainMiss.None"/> when it has one, or
    /// when there is no DEM and the pixel looks below the horizon).</summary>
    public TerrainMiss MissAt(PixelPoint pixel)
    {
        if (_terrain is null)
        {
            return Camera.PixelToGround(pixel) is null ? TerrainMiss.AboveHorizon : TerrainMiss.None;
        }

        return _terrain.Intersect(Camera.Ray(pixel), MaxGroundRangeM).Miss;
    }

    /// <summary>Ground point (ENU, camera at the origin) of a pixel: on the DEM when there is one, else on the plane.</summary>
    public Enu? GroundOffset(PixelPoint pixel) => GroundEnu(pixel);

    private Enu? GroundEnu(PixelPoint pixel) =>
        _terrain is null ? Camera.PixelToGround(pixel) : _terrain.Intersect(Camera.Ray(pixel), MaxGroundRangeM).Ground;

    /// <summary>Oriented pixel position of a WGS84 ground point (on the ground plane), or null when it is behind
    /// the camera. Use <see cref="CameraGeometry.Contains"/> to know whether it is inside the image.</summary>
    public PixelPoint? GroundToPixel(GeoPoint ground)
    {
        if (_terrain?.Terrain.HeightAt(ground) is { } terrainHeight)
        {
            return Camera.GroundToPixel(Frame.ToEnu(ground, terrainHeight));
        }

        // Back onto the same level plane PixelToGround intersects (the tangent plane rises d²/2R above the
        // ellipsoid), so that pixel → ground → pixel is exact.
        var enu = Frame.ToEnu(ground, Frame.OriginHeightM - Camera.AltitudeAglM);
        return Camera.GroundToPixel(enu with { UpM = -Camera.AltitudeAglM });
    }

    /// <summary>Ground sample distance at the image centre, metres per pixel.</summary>
    public double? CentreGsdM => _terrain is null ? Camera.GroundSampleDistanceM(Camera.Centre) : TerrainGsdM(Camera.Centre);

    /// <summary>GSD over a DEM: that of the level plane through the pixel's ground point (finite differences
    /// of ray–DEM hits a pixel apart would be at the mercy of the intersection's tolerance).</summary>
    private double? TerrainGsdM(PixelPoint p) =>
        GroundEnu(p) is { } g && -g.UpM > 0 ? Camera.With(Camera.Attitude, -g.UpM).GroundSampleDistanceM(p) : null;

    /// <summary>
    /// The ground seen by the photo, as a WGS84 polygon (exterior ring counter-clockwise, as RFC 7946 asks),
    /// cut at the horizon and at <see cref="MaxGroundRangeM"/> from the nadir; null when it sees no ground.
    /// </summary>
    public (Polygon? Footprint, bool Clipped) Footprint()
    {
        var (vertices, horizonClipped) = _terrain is null ? Camera.GroundPolygon(MaxGroundRangeM) : TerrainOutline();
        if (vertices.Count < 3)
        {
            return (null, true);
        }

        var ring = new Coordinate[vertices.Count + 1];
        for (int i = 0; i < vertices.Count; i++)
        {
            ring[i] = new Coordinate(vertices[i].EastM, vertices[i].NorthM);
        }

        ring[^1] = ring[0].Copy();
        Geometry local = Geometries.LocalMetric.CreatePolygon(ring);
        bool clipped = horizonClipped;
        var range = Geometries.LocalMetric.CreatePoint(new Coordinate(0, 0)).Buffer(MaxGroundRangeM, 32);
        if (!range.Contains(local))
        {
            local = local.Intersection(range);
            clipped = true;
        }

        if (local is not Polygon { IsEmpty: false } polygon)
        {
            return (null, true);
        }

        var shell = polygon.ExteriorRing.Coordinates;
        var geo = new Coordinate[shell.Length];
        for (int i = 0; i < shell.Length; i++)
        {
            var p = ToGeo(new Enu(shell[i].X, shell[i].Y, -Camera.AltitudeAglM));
            geo[i] = new Coordinate(p.LongitudeDeg, p.LatitudeDeg);
        }

        if (!Orientation.IsCCW(geo))
        {
            Array.Reverse(geo);
        }

        return (Geometries.Wgs84.CreatePolygon(geo), clipped);
    }

    /// <summary>
    /// The ray–DEM outline: the ground points of pixels sampled along the image border (a pinhole's straight
    /// edges are not straight on uneven ground). Border pixels whose rays leave the DEM, look above the horizon
    /// or reach past the maximum range are left out, and the outline is then marked clipped.
    /// </summary>
    private (IReadOnlyList<Enu> Vertices, bool Clipped) TerrainOutline()
    {
        double w = Camera.OrientedWidth, h = Camera.OrientedHeight;
        var vertices = new List<Enu>(4 * FootprintSamplesPerSide);
        bool clipped = false;
        for (int side = 0; side < 4; side++)
        {
            for (int i = 0; i < FootprintSamplesPerSide; i++)
            {
                double f = (double)i / FootprintSamplesPerSide;
                var p = side switch
                {
                    0 => new PixelPoint(f * w, 0),
                    1 => new PixelPoint(w, f * h),
                    2 => new PixelPoint((1 - f) * w, h),
                    _ => new PixelPoint(0, (1 - f) * h),
                };
                if (GroundEnu(p) is { } g)
                {
                    vertices.Add(g);
                }
                else
                {
                    clipped = true;
                }
            }
        }

        return (vertices, clipped);
    }

    /// <summary>Ground area of a WGS84 polygon near this photo, square metres (computed in the photo's local frame).</summary>
    public double AreaM2(Polygon wgs84)
    {
        ArgumentNullException.ThrowIfNull(wgs84);
        var shell = wgs84.ExteriorRing.Coordinates;
        var local = new Coordinate[shell.Length];
        for (int i = 0; i < shell.Length; i++)
        {
            var enu = Frame.ToEnu(new GeoPoint(shell[i].Y, shell[i].X), Frame.OriginHeightM - Camera.AltitudeAglM);
            local[i] = new Coordinate(enu.EastM, enu.NorthM);
        }

        return Geometries.LocalMetric.CreatePolygon(local).Area;
    }

    /// <summary>
    /// Propagates <see cref="Errors"/> to the ground point of a pixel: first-order (Jacobian by central
    /// differences of the same ray–plane intersection) for height and attitude — attitude errors being small
    /// world-frame rotations (<see cref="CameraGeometry.Perturbed"/>) — one-to-one for the camera position, plus
    /// the unknown-yaw circle (see <see cref="ErrorModel"/>).
    /// </summary>
    public HorizontalUncertainty UncertaintyAt(PixelPoint pixel) =>
        GroundEnu(pixel) is { } enu ? Propagate(pixel, enu) : throw new ArgumentException("The pixel sees no ground.", nameof(pixel));

    private HorizontalUncertainty Propagate(PixelPoint pixel, Enu nominal) =>
        _terrain is null ? PropagateOverPlane(pixel, nominal) : PropagateOverTerrain(pixel, nominal, _terrain);

    /// <summary>
    /// As over the plane, with every perturbed ray — and the camera moved east and north by its position
    /// error — intersected with the DEM, so the slope under the point is in the Jacobian. The camera height error, the DEM's stated error and the DEM's interpolation error on a slope
    /// (slope × spacing / 4) act alike — they move the camera against the ground — and are combined into one.
    /// </summary>
    private HorizontalUncertainty PropagateOverTerrain(PixelPoint pixel, Enu nominal, TerrainRayCaster caster)
    {
        var e = Errors;
        double cee = 0, cnn = 0, cen = 0;
        var ray = Camera.Ray(pixel);
        double range = MaxGroundRangeM * 2;

        // Divided differences of second order (Nørgaard, Poulsen and Ravn 2000, "DD2"): each error moved by ±h σ
        // (h = √3, the Gaussian's kurtosis), not by a centimetre, and the two ground points both differenced (the
        // slope over the span the error really covers) and compared with the nominal point (the curvature of the
        // terrain there, which makes the spread heavier than a straight line would: a grazing ray over a ridge).
        const double H = 1.7320508075688772;
        double curvature = Math.Sqrt(((H * H) - 1) / (4 * H * H * H * H));
        void Add(Enu? p, Enu? m)
        {
            if (p is not { } a || m is not { } b)
            {
                return;
            }

            double de = (a.EastM - b.EastM) / (2 * H), dn = (a.NorthM - b.NorthM) / (2 * H);
            double ce = (a.EastM + b.EastM - (2 * nominal.EastM)) * curvature, cn = (a.NorthM + b.NorthM - (2 * nominal.NorthM)) * curvature;
            cee += (de * de) + (ce * ce);
            cnn += (dn * dn) + (cn * cn);
            cen += (de * dn) + (ce * cn);
        }

        Enu? From(Vec3 origin, Vec3 r) => caster.Intersect(origin, r, range).Ground;
        Enu? Turned(double pitch, double roll, double yaw) => From(default, Camera.Perturbed(pitch, roll, yaw, Camera.AltitudeAglM).Ray(pixel));

        double slope = SlopeAt(nominal, caster);
        double interpolation = slope * caster.Terrain.ResolutionM / 4;
        double vertical = Math.Sqrt((e.AltitudeSigmaM * e.AltitudeSigmaM) + (e.TerrainSigmaM * e.TerrainSigmaM) + (interpolation * interpolation));
        Add(From(new Vec3(0, 0, H * vertical), ray), From(new Vec3(0, 0, -H * vertical), ray));

        // On a slope a camera moved sideways sees its ray land higher or lower, so not one-to-one as over a plane.
        Add(From(new Vec3(H * e.GpsSigmaEastM, 0, 0), ray), From(new Vec3(-H * e.GpsSigmaEastM, 0, 0), ray));
        Add(From(new Vec3(0, H * e.GpsSigmaNorthM, 0), ray), From(new Vec3(0, -H * e.GpsSigmaNorthM, 0), ray));
        Add(Turned(H * e.PitchSigmaDeg, 0, 0), Turned(-H * e.PitchSigmaDeg, 0, 0));
        Add(Turned(0, H * e.RollSigmaDeg, 0), Turned(0, -H * e.RollSigmaDeg, 0));
        if (e.YawUnknown)
        {
            double d2 = (nominal.EastM * nominal.EastM) + (nominal.NorthM * nominal.NorthM);
            cee += d2 / 2;
            cnn += d2 / 2;
        }
        else
        {
            Add(Turned(0, 0, H * e.YawSigmaDeg), Turned(0, 0, -H * e.YawSigmaDeg));
        }

        return HorizontalUncertainty.FromCovariance(cee, cen, cnn);
    }

    /// <summary>Ground slope (rise over run) at a ground point, from the DEM one sample spacing either side.</summary>
    private double SlopeAt(Enu at, TerrainRayCaster caster)
    {
        double half = caster.Terrain.ResolutionM / 2;
        double? H(double de, double dn) => caster.Terrain.HeightAt(ToGeo(at with { EastM = at.EastM + de, NorthM = at.NorthM + dn }));
        if (H(half, 0) is not { } east || H(-half, 0) is not { } west || H(0, half) is not { } north || H(0, -half) is not { } south)
        {
            return 0;
        }

        double gx = (east - west) / (2 * half), gy = (north - south) / (2 * half);
        return Math.Sqrt((gx * gx) + (gy * gy));
    }

    private HorizontalUncertainty PropagateOverPlane(PixelPoint pixel, Enu nominal)
    {
        var e = Errors;
        double cee = e.GpsSigmaEastM * e.GpsSigmaEastM, cnn = e.GpsSigmaNorthM * e.GpsSigmaNorthM, cen = 0;

        void Add(CameraGeometry plus, CameraGeometry minus, double step, double sigma)
        {
            if (sigma <= 0 || plus.PixelToGround(pixel) is not { } p || minus.PixelToGround(pixel) is not { } m)
            {
                return;
            }

            double de = (p.EastM - m.EastM) / (2 * step) * sigma;
            double dn = (p.NorthM - m.NorthM) / (2 * step) * sigma;
            cee += de * de;
            cnn += dn * dn;
            cen += de * dn;
        }

        double h = Camera.AltitudeAglM;
        Add(Camera.Perturbed(0, 0, 0, h + StepM), Camera.Perturbed(0, 0, 0, h - StepM), StepM, e.AltitudeSigmaM);
        Add(Camera.Perturbed(StepDeg, 0, 0, h), Camera.Perturbed(-StepDeg, 0, 0, h), StepDeg, e.PitchSigmaDeg);
        Add(Camera.Perturbed(0, StepDeg, 0, h), Camera.Perturbed(0, -StepDeg, 0, h), StepDeg, e.RollSigmaDeg);
        if (e.YawUnknown)
        {
            double d2 = (nominal.EastM * nominal.EastM) + (nominal.NorthM * nominal.NorthM);
            cee += d2 / 2;
            cnn += d2 / 2;
        }
        else
        {
            Add(Camera.Perturbed(0, 0, StepDeg, h), Camera.Perturbed(0, 0, -StepDeg, h), StepDeg, e.YawSigmaDeg);
        }

        return HorizontalUncertainty.FromCovariance(cee, cen, cnn);
    }

    private GeoPoint ToGeo(Enu enu) => Frame.ToGeodetic(enu).Point;
}
