namespace DroneScan.Synth;

/// <summary>
/// A solid seen from straight above, in its own frame: metres, x along its length, y across, z up from the
/// ground. <see cref="Height"/> is the top surface (null outside the silhouette); <see cref="Part"/> picks the
/// material of a point (0 = body, 1 = fuze/top/band, 2 = ribbon/fins).
/// </summary>
internal abstract class Shape
{
    /// <summary>Radius of a circle around the origin holding the whole silhouette, metres.</summary>
    public abstract double RadiusM { get; }

    /// <summary>Length along x and width along y of the silhouette, metres (for scale checks).</summary>
    public abstract (double LengthM, double WidthM) Extent { get; }

    public abstract double? Height(double x, double y);

    public virtual int Part(double x, double y) => 0;
}

/// <summary>A standing cylinder (PMN, PMN-2, TM-62M, PMA-2, cans): rounded rim, optional raised fuze and top mark.</summary>
internal sealed class UprightCylinder(double radiusM, double heightM, double fuzeRadiusM = 0, double fuzeHeightM = 0, double topMarkRadiusM = 0, bool cross = false) : Shape
{
    public override double RadiusM => radiusM;

    public override (double LengthM, double WidthM) Extent => (2 * radiusM, 2 * radiusM);

    public override double? Height(double x, double y)
    {
        double r = Math.Sqrt((x * x) + (y * y));
        if (r > radiusM)
        {
            return null;
        }

        // A rim rounded over 15 % of the radius, so the edge catches the light like a real casing.
        double bevel = 0.15 * radiusM;
        double h = r < radiusM - bevel ? heightM : heightM * Math.Sqrt(Math.Max(0, 1 - Math.Pow((r - (radiusM - bevel)) / bevel, 2)));
        if (fuzeRadiusM > 0 && r < fuzeRadiusM)
        {
            h += fuzeHeightM * Math.Sqrt(1 - ((r / fuzeRadiusM) * (r / fuzeRadiusM)));
        }

        return h;
    }

    public override int Part(double x, double y)
    {
        double r = Math.Sqrt((x * x) + (y * y));
        if (fuzeRadiusM > 0 && r < fuzeRadiusM)
        {
            return 1;
        }

        if (cross && r < 0.8 * radiusM && (Math.Abs(x) < 0.12 * radiusM || Math.Abs(y) < 0.12 * radiusM))
        {
            return 1;
        }

        return topMarkRadiusM > 0 && r < topMarkRadiusM ? 1 : 0;
    }
}

/// <summary>A body of revolution lying on the ground (shells, mortar bombs, submunitions, bottles, sticks):
/// radius profile r(t) along its length; the axis rests at height max r.</summary>
internal sealed class LyingBody(double lengthM, Func<double, double> radiusAt, double maxRadiusM, Func<double, int>? partAt = null, double finSpanM = 0, double finStartT = 1) : Shape
{
    public override double RadiusM => Math.Sqrt((lengthM * lengthM / 4) + (Math.Max(maxRadiusM, finSpanM) * Math.Max(maxRadiusM, finSpanM)));

    public override (double LengthM, double WidthM) Extent => (lengthM, 2 * Math.Max(maxRadiusM, finSpanM));

    public override double? Height(double x, double y)
    {
        double t = (x / lengthM) + 0.5; // 0 at the nose, 1 at the tail
        if (t < 0 || t > 1)
        {
            return null;
        }

        double r = radiusAt(t);
        if (Math.Abs(y) < r)
        {
            return maxRadiusM + Math.Sqrt((r * r) - (y * y));
        }

        // Fins: thin plates across the tail, seen edge-on from above as a bar.
        if (finSpanM > 0 && t >= finStartT && Math.Abs(y) < finSpanM)
        {
            return maxRadiusM * 0.4;
        }

        return null;
    }

    public override int Part(double x, double y)
    {
        double t = (x / lengthM) + 0.5;
        if (finSpanM > 0 && t >= finStartT && Math.Abs(y) >= radiusAt(t))
        {
            return 2;
        }

        return partAt?.Invoke(t) ?? 0;
    }
}

/// <summary>A flat-ish piece given by a polygon (PFM-1 wings, plastic debris, leaves) with a height profile.</summary>
internal sealed class FlatPiece((double X, double Y)[] polygon, Func<double, double, double> heightAt, Func<double, double, int>? partAt = null) : Shape
{
    private readonly double _radius = polygon.Max(p => Math.Sqrt((p.X * p.X) + (p.Y * p.Y)));

    public override double RadiusM => _radius;

    public override (double LengthM, double WidthM) Extent =>
        (polygon.Max(p => p.X) - polygon.Min(p => p.X), polygon.Max(p => p.Y) - polygon.Min(p => p.Y));

    public override double? Height(double x, double y) => Inside(x, y) ? heightAt(x, y) : null;

    public override int Part(double x, double y) => partAt?.Invoke(x, y) ?? 0;

    private bool Inside(double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            var (xi, yi) = polygon[i];
            var (xj, yj) = polygon[j];
            if ((yi > y) != (yj > y) && x < ((xj - xi) * (y - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}

/// <summary>A rounded box (MON-50/90 lying on its back), curved top.</summary>
internal sealed class RoundedBox(double lengthM, double widthM, double heightM) : Shape
{
    public override double RadiusM => Math.Sqrt((lengthM * lengthM) + (widthM * widthM)) / 2;

    public override (double LengthM, double WidthM) Extent => (lengthM, widthM);

    public override double? Height(double x, double y)
    {
        double ax = Math.Abs(x) / (lengthM / 2), ay = Math.Abs(y) / (widthM / 2);
        if (ax > 1 || ay > 1 || (ax > 0.9 && ay > 0.9 && (Math.Pow((ax - 0.9) / 0.1, 2) + Math.Pow((ay - 0.9) / 0.1, 2)) > 1))
        {
            return null;
        }

        return heightM * (0.75 + (0.25 * Math.Sqrt(Math.Max(0, 1 - (ax * ax))))) * Math.Sqrt(Math.Max(0.05, 1 - Math.Pow(ay, 8)));
    }
}

/// <summary>An irregular dome (stones, clods): radius varying with angle.</summary>
internal sealed class Blob(double radiusM, double heightM, double[] harmonics, double[] phases) : Shape
{
    public override double RadiusM => radiusM * (1 + harmonics.Sum(Math.Abs));

    public override (double LengthM, double WidthM) Extent => (2 * RadiusM, 2 * RadiusM);

    public override double? Height(double x, double y)
    {
        double a = Math.Atan2(y, x);
        double r = radiusM;
        for (int k = 0; k < harmonics.Length; k++)
        {
            r += radiusM * harmonics[k] * Math.Cos(((k + 2) * a) + phases[k]);
        }

        double d = Math.Sqrt((x * x) + (y * y)) / r;
        return d > 1 ? null : heightM * Math.Sqrt(1 - (d * d));
    }
}
