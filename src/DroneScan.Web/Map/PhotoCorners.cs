using NetTopologySuite.Geometries;

namespace DroneScan.Web.Map;

/// <summary>
/// The ground points of a photo's four corners, read from the footprint the pipeline stored, so the map can warp the
/// photo onto the ground with the photo's own georeference (a pinhole over flat ground maps the image to the ground
/// by a homography: four point pairs fix it).
/// </summary>
/// <remarks>
/// How the footprint is written (<c>PhotoGeoreference.Footprint</c>): the ground points of the image border from the
/// top-left corner round by top-right, bottom-right and bottom-left (4 corners over flat ground; 8 samples per side,
/// 32 points, over a DEM), then the ring is made counter-clockwise as RFC 7946 asks. Seen from above a photo is not
/// mirrored, so that walk is clockwise and is reversed, keeping its first point: the stored ring runs top-left,
/// bottom-left, bottom-right, top-right. A footprint cut at the horizon or at the range limit has another number
/// of points, or (cut at the horizon) a far side much longer than the near one: such oblique photos get no corners
/// and are drawn as outlines only.
/// </remarks>
public static class PhotoCorners
{
    /// <summary>Longest ratio of opposite sides accepted: a camera tilted about 20° off nadir gives 1.4.</summary>
    public const double MaxOppositeSideRatio = 1.6;

    /// <summary>Top-left, top-right, bottom-right, bottom-left (WGS84: X = longitude, Y = latitude); null when the
    /// footprint is not the plain outline of a near-nadir photo.</summary>
    public static Coordinate[]? FromFootprint(Polygon? footprint)
    {
        if (footprint is null || footprint.IsEmpty || footprint.NumInteriorRings > 0)
        {
            return null;
        }

        var ring = footprint.ExteriorRing.Coordinates;
        int n = ring.Length - 1; // closed: the last point repeats the first
        if (n is not (4 or 32))
        {
            return null;
        }

        var corners = new[] { ring[0], ring[3 * n / 4], ring[n / 2], ring[n / 4] }; // tl, tr, br, bl
        return IsPlainQuad(corners) ? corners : null;
    }

    /// <summary>Convex, not degenerate, opposite sides of similar length (metres, in a local frame at the first corner).</summary>
    private static bool IsPlainQuad(Coordinate[] c)
    {
        double cosLat = Math.Cos(c[0].Y * Math.PI / 180);
        const double mPerDeg = 111_320;
        var p = c.Select(q => ((q.X - c[0].X) * mPerDeg * cosLat, (q.Y - c[0].Y) * mPerDeg)).ToArray();
        double Side(int i) => Math.Sqrt(Math.Pow(p[(i + 1) % 4].Item1 - p[i].Item1, 2) + Math.Pow(p[(i + 1) % 4].Item2 - p[i].Item2, 2));
        int sign = 0;
        for (int i = 0; i < 4; i++)
        {
            var (ax, ay) = p[i];
            var (bx, by) = p[(i + 1) % 4];
            var (cx, cy) = p[(i + 2) % 4];
            double cross = ((bx - ax) * (cy - by)) - ((by - ay) * (cx - bx));
            int s = Math.Sign(cross);
            if (s == 0 || (sign != 0 && s != sign))
            {
                return false;
            }

            sign = s;
        }

        double top = Side(0), right = Side(1), bottom = Side(2), left = Side(3);
        return Math.Min(top, bottom) > 0 && Math.Min(left, right) > 0
            && Math.Max(top, bottom) / Math.Min(top, bottom) <= MaxOppositeSideRatio
            && Math.Max(left, right) / Math.Min(left, right) <= MaxOppositeSideRatio;
    }
}
