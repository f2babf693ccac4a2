using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace DroneScan.Core.Georeferencing;

/// <summary>A ground point of a pixel with its horizontal uncertainty.</summary>
public sealed record GroundPoint(GeoPoint Position, Enu OffsetFromCamera, HorizontalUncertainty Uncertainty);

/// <summary>
/// Where a photo's pixels lie on the ground: a <see cref="CameraGeometry"/> placed at the camera's WGS84
/// position, with the pose errors that go with it. Ground is the level plane <c>AltitudeAglM</c> below the
/// camera. Pixel positions are in the oriented image frame.
/// </summary>
public sealed class PhotoGeoreference
{
    private const double StepM = 0.01;
    private const double StepDeg = 0.01;

    public PhotoGeoreference(GeoPoint cameraPosition, double cameraEllipsoidHeightM, CameraGeometry camera, ErrorModel errors, double maxGroundRangeM)
    {
        Frame = new LocalTangentPlane(cameraPosition.LatitudeDeg, cameraPosition.LongitudeDeg, cameraEllipsoidHeightM);
        Camera = camera;
        Errors = errors;
        MaxGroundRangeM = maxGroundRangeM;
    }

    public LocalTangentPlane Frame { get; }

    public CameraGeometry Camera { get; }

    public ErrorModel Errors { get; }

    /// <summary>Ground farther than this from the nadir is not part of the footprint (oblique views).</summary>
    public double MaxGroundRangeM { get; }

    /// <summary>WGS84 ground position of an oriented pixel, or null when its ray is at or above the horizon.</summary>
    public GeoPoint? PixelToGround(PixelPoint pixel) =>
        Camera.PixelToGround(pixel) is { } enu ? ToGeo(enu) : null;

    /// <summary>Ground position and uncertainty of a pixel, or null when it sees no ground.</summary>
    public GroundPoint? Locate(PixelPoint pixel)
    {
        if (Camera.PixelToGround(pixel) is not { } enu)
        {
            return null;
        }

        return new GroundPoint(ToGeo(enu), enu, Propagate(pixel, enu));
    }

    /// <summary>Oriented pixel position of a WGS84 ground point (on the ground plane), or null when it is behind
    /// the camera. Use <see cref="CameraGeometry.Contains"/> to know whether it is inside the image.</summary>
    public PixelPoint? GroundToPixel(GeoPoint ground)
    {
        // Back onto the same level plane PixelToGround intersects (the tangent plane rises d²/2R above the
        // ellipsoid), so that pixel → ground → pixel is exact.
        var enu = Frame.ToEnu(ground, Frame.OriginHeightM - Camera.AltitudeAglM);
        return Camera.GroundToPixel(enu with { UpM = -Camera.AltitudeAglM });
    }

    /// <summary>Ground sample distance at the image centre, metres per pixel.</summary>
    public double? CentreGsdM => Camera.GroundSampleDistanceM(Camera.Centre);

    /// <summary>
    /// The ground seen by the photo, as a WGS84 polygon (exterior ring counter-clockwise, as RFC 7946 asks),
    /// cut at the horizon and at <see cref="MaxGroundRangeM"/> from the nadir; null when it sees no ground.
    /// </summary>
    public (Polygon? Footprint, bool Clipped) Footprint()
    {
        var (vertices, horizonClipped) = Camera.GroundPolygon(MaxGroundRangeM);
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
        Camera.PixelToGround(pixel) is { } enu ? Propagate(pixel, enu) : throw new ArgumentException("The pixel sees no ground.", nameof(pixel));

    private HorizontalUncertainty Propagate(PixelPoint pixel, Enu nominal)
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
