using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Synth.Flight;

/// <summary>Where an item appears in one photo: the pixel its centre was drawn at and the box of its silhouette
/// (oriented image pixels).</summary>
public sealed record ItemInPhoto(string Id, string? ClassName, double CentreU, double CentreV, double X1, double Y1, double X2, double Y2, bool InFrame);

/// <summary>
/// Renders one photo by inverse projection: every output pixel is traced to the ground with the photo's own
/// <see cref="PhotoGeoreference"/> — the camera model DroneScan builds from the photo's metadata — and the
/// ground mosaic is sampled there (2 × 2 samples per pixel, bilinear), then mild camera effects are applied.
/// The photo's tangent frame and the mosaic's are both exact ENU frames, so one rigid transform maps between them.
/// </summary>
internal sealed class FlightPhotoRenderer
{
    private readonly PhotoGeoreference _georeference;
    private readonly GroundMosaic _mosaic;
    private readonly Mat3 _toMosaic;
    private readonly Vec3 _cameraInMosaic;
    private readonly LocalTangentPlane _mosaicFrame;

    public FlightPhotoRenderer(PhotoGeoreference georeference, LocalTangentPlane mosaicFrame, GroundMosaic mosaic)
    {
        _georeference = georeference;
        _mosaicFrame = mosaicFrame;
        _mosaic = mosaic;
        var frame = georeference.Frame;
        _cameraInMosaic = ToVec(mosaicFrame.ToEnu(frame.Origin, frame.OriginHeightM));
        Vec3 Axis(double e, double n, double u)
        {
            var (point, h) = frame.ToGeodetic(new Enu(e, n, u));
            return ToVec(mosaicFrame.ToEnu(point, h)) - _cameraInMosaic;
        }

        var ex = Axis(1, 0, 0);
        var ny = Axis(0, 1, 0);
        var uz = Axis(0, 0, 1);
        _toMosaic = new Mat3(ex.X, ny.X, uz.X, ex.Y, ny.Y, uz.Y, ex.Z, ny.Z, uz.Z);
    }

    public CameraGeometry Camera => _georeference.Camera;

    /// <summary>Mosaic position seen at an oriented pixel position, or null above the horizon.</summary>
    public (double X, double Y)? PixelToMosaic(PixelPoint p)
    {
        // The photo's own ground model: the plane, or the ray–DEM intersection when the flight has a DEM.
        if (_georeference.GroundOffset(p) is not { } g)
        {
            return null;
        }

        var m = (_toMosaic * ToVec(g)) + _cameraInMosaic;
        return _mosaic.ToPixel(m.X, m.Y);
    }

    /// <summary>Oriented pixel position of a ground point of the mosaic frame (metres east, north; on the ground).</summary>
    public PixelPoint? GroundToPixel(double eastM, double northM)
    {
        double up = TerrainUpM(_mosaicFrame, _georeference.Terrain, eastM, northM);
        var c = _toMosaic.Transpose() * (new Vec3(eastM, northM, up) - _cameraInMosaic);
        return Camera.GroundToPixel(new Enu(c.X, c.Y, c.Z));
    }

    /// <summary>Height (mosaic frame Up) of the ground at a mosaic position: 0 on flat ground, the DEM's otherwise.
    /// The mosaic is the ground's texture seen from above, so a position keeps its east/north on the terrain.</summary>
    public static double TerrainUpM(LocalTangentPlane mosaicFrame, DroneScan.Core.Terrain.ITerrain? terrain, double eastM, double northM)
    {
        if (terrain is null)
        {
            return 0;
        }

        double up = 0;
        for (int i = 0; i < 3; i++)
        {
            // The vertical through a point leans by its distance over the Earth's radius: two passes settle it.
            var (point, _) = mosaicFrame.ToGeodetic(new Enu(eastM, northM, up));
            double h = terrain.HeightAt(point) ?? throw new ArgumentException($"the ground at {eastM:0.#} m east, {northM:0.#} m north of the flight centre is outside the DEM {terrain.Name}");
            up = mosaicFrame.ToEnu(point, h).UpM;
        }

        return up;
    }

    public Image<Rgb24> Render(uint noiseSeed, double exposure, double vignette, double noiseSigma)
    {
        int w = Camera.OrientedWidth, h = Camera.OrientedHeight;
        var rgb = new byte[w * h * 3];
        double half2 = ((w * w) + (h * h)) / 4.0;
        Parallel.For(0, h, v =>
        {
            for (int u = 0; u < w; u++)
            {
                float r = 0, g = 0, b = 0;
                for (int s = 0; s < 4; s++)
                {
                    var p = new PixelPoint(u + 0.25 + (0.5 * (s & 1)), v + 0.25 + (0.5 * (s >> 1)));
                    if (PixelToMosaic(p) is { } m)
                    {
                        var c = _mosaic.Sample(m.X, m.Y);
                        (r, g, b) = (r + c.R, g + c.G, b + c.B);
                    }
                }

                double du = u + 0.5 - (w / 2.0), dv = v + 0.5 - (h / 2.0);
                double k = exposure * (1 - (vignette * ((du * du) + (dv * dv)) / half2)) / 4;
                int o = ((v * w) + u) * 3;
                rgb[o] = Noisy(r * k, noiseSeed, u, v, 0, noiseSigma);
                rgb[o + 1] = Noisy(g * k, noiseSeed, u, v, 1, noiseSigma);
                rgb[o + 2] = Noisy(b * k, noiseSeed, u, v, 2, noiseSigma);
            }
        });
        return Image.LoadPixelData<Rgb24>(rgb, w, h);
    }

    /// <summary>
    /// Where an item was drawn: the pixel whose ray meets the item's centre on the mosaic, found by Newton steps
    /// on the same pixel → mosaic map the renderer samples with (not by projecting the ground point), and the box
    /// of the item's silhouette.
    /// </summary>
    public ItemInPhoto Locate(PlantedItem item, double marginPx)
    {
        var target = _mosaic.ToPixel(item.EastM, item.NorthM);
        var p = GroundToPixel(item.EastM, item.NorthM) ?? Camera.Centre;
        for (int i = 0; i < 8 && PixelToMosaic(p) is { } m; i++)
        {
            var mu = PixelToMosaic(p with { U = p.U + 1 })!.Value;
            var mv = PixelToMosaic(p with { V = p.V + 1 })!.Value;
            double a = mu.X - m.X, b = mv.X - m.X, c = mu.Y - m.Y, d = mv.Y - m.Y, det = (a * d) - (b * c);
            double ex = target.X - m.X, ey = target.Y - m.Y;
            p = new PixelPoint(p.U + (((d * ex) - (b * ey)) / det), p.V + (((a * ey) - (c * ex)) / det));
        }

        double x1 = double.MaxValue, y1 = double.MaxValue, x2 = double.MinValue, y2 = double.MinValue;
        foreach (var (e, n) in item.Silhouette)
        {
            if (GroundToPixel(e, n) is { } q)
            {
                (x1, y1, x2, y2) = (Math.Min(x1, q.U), Math.Min(y1, q.V), Math.Max(x2, q.U), Math.Max(y2, q.V));
            }
        }

        // Silhouette points are cell centres: widen by half a cell as seen in the photo.
        double cellPx = 0.5 * Math.Max(0.5, item.RadiusM / _mosaic.GsdM / 60) * _mosaic.GsdM / (Camera.GroundSampleDistanceM(p) ?? _mosaic.GsdM);
        (x1, y1, x2, y2) = (x1 - cellPx, y1 - cellPx, x2 + cellPx, y2 + cellPx);
        bool inFrame = p.U >= marginPx && p.V >= marginPx && p.U <= Camera.OrientedWidth - marginPx && p.V <= Camera.OrientedHeight - marginPx;
        return new ItemInPhoto(item.Id, item.Kind.ClassName, p.U, p.V, x1, y1, x2, y2, inFrame);
    }

    private static Vec3 ToVec(Enu e) => new(e.EastM, e.NorthM, e.UpM);

    private static byte Noisy(double value, uint seed, int u, int v, int channel, double sigma)
    {
        // Two hashed uniforms → one normal (Box–Muller): per-pixel noise that needs no shared generator.
        uint h1 = GroundMosaic.Hash(seed + (uint)channel, u, v), h2 = GroundMosaic.Hash(seed + 7u + (uint)channel, v, u);
        double u1 = (h1 + 1.0) / (uint.MaxValue + 2.0), u2 = h2 / (uint.MaxValue + 1.0);
        double n = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return (byte)Math.Clamp((int)Math.Round(value + (n * sigma * 255)), 0, 255);
    }
}
