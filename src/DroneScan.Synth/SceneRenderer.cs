namespace DroneScan.Synth;

/// <summary>One labelled object of a synthetic image, in image pixels (x right, y down).</summary>
internal sealed record SceneObject(string Item, string? ClassName, double X1, double Y1, double X2, double Y2, double LengthCm, double WidthCm, double GsdM, double VisibleFraction, bool Buried);

/// <summary>The sun of one scene: shading and cast shadows come from the same direction.</summary>
internal readonly record struct Sun(double AzimuthRad, double ElevationRad)
{
    /// <summary>Horizontal unit vector towards the sun, image frame.</summary>
    public (double X, double Y) Towards => (Math.Cos(AzimuthRad), Math.Sin(AzimuthRad));

    /// <summary>Shadow length per metre of height.</summary>
    public double ShadowPerMetre => 1 / Math.Tan(ElevationRad);
}

/// <summary>
/// Draws objects at physical scale onto a background canvas: each object is a height field rotated into place,
/// lit by the scene's sun (Lambert + a specular lobe), casting its shadow away from the sun, optionally partly
/// buried (soil over part of the silhouette) and dusted with the colour of the ground under it. Anti-aliased by
/// 3 × 3 supersampling; the label is the box of its visible samples.
/// </summary>
internal static class SceneRenderer
{
    private const int Samples = 3;

    public static SceneObject? DrawObject(Canvas canvas, ItemKind kind, Shape shape, double cx, double cy, double angle, double gsdM, Sun sun, Random rng, double buryFraction)
    {
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double? HeightAt(double u, double v)
        {
            double dx = (u - cx) * gsdM, dy = (v - cy) * gsdM;
            return shape.Height((dx * cos) + (dy * sin), (-dx * sin) + (dy * cos));
        }

        int Part(double u, double v)
        {
            double dx = (u - cx) * gsdM, dy = (v - cy) * gsdM;
            return shape.Part((dx * cos) + (dy * sin), (-dx * sin) + (dy * cos));
        }

        // Soil covers the part of the silhouette beyond a wavy line across it.
        double buryAngle = rng.NextDouble() * 2 * Math.PI;
        double buryCut = 1 - (2 * buryFraction);
        double waviness = rng.NextDouble() * 10;
        bool Buried(double u, double v)
        {
            if (buryFraction <= 0)
            {
                return false;
            }

            double dx = (u - cx) * gsdM, dy = (v - cy) * gsdM;
            double s = ((dx * Math.Cos(buryAngle)) + (dy * Math.Sin(buryAngle))) / shape.RadiusM;
            double along = ((-dx * Math.Sin(buryAngle)) + (dy * Math.Cos(buryAngle))) / shape.RadiusM;
            return s > buryCut + (0.08 * Math.Sin((along * 7) + waviness));
        }

        double radiusPx = (shape.RadiusM / gsdM) + 1;
        var ground = canvas.Mean((int)cx, (int)cy, (int)Math.Max(3, radiusPx * 1.5));
        var body = Jitter(Pick(kind.BodyColours, rng), rng).Mix(ground, rng.NextDouble() * 0.35); // dust
        var part = Jitter(Pick(kind.PartColours, rng), rng).Mix(ground, rng.NextDouble() * 0.2);
        if (kind.ClassName is not null && rng.NextDouble() < 0.3)
        {
            body = body.Mix(new Rgb(0.45, 0.26, 0.13), rng.NextDouble() * 0.5); // rust and weathering
        }

        DrawShadow(canvas, HeightAt, Buried, cx, cy, radiusPx, gsdM, sun, 0.35 + (rng.NextDouble() * 0.25));

        var (tx, ty) = sun.Towards;
        double ce = Math.Cos(sun.ElevationRad), se = Math.Sin(sun.ElevationRad);
        var light = (X: tx * ce, Y: ty * ce, Z: se);
        var half = Normalize(light.X, light.Y, light.Z + 1);
        int x0 = Math.Max(0, (int)(cx - radiusPx)), x1 = Math.Min(canvas.Width - 1, (int)(cx + radiusPx));
        int y0 = Math.Max(0, (int)(cy - radiusPx)), y1 = Math.Min(canvas.Height - 1, (int)(cy + radiusPx));
        double bx1 = double.MaxValue, by1 = double.MaxValue, bx2 = double.MinValue, by2 = double.MinValue;
        int inside = 0, visible = 0;
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                Rgb albedoSum = default;
                int hits = 0;
                double su = 0, sv = 0;
                for (int sy = 0; sy < Samples; sy++)
                {
                    for (int sx = 0; sx < Samples; sx++)
                    {
                        double u = x + ((sx + 0.5) / Samples), v = y + ((sy + 0.5) / Samples);
                        if (HeightAt(u, v) is null)
                        {
                            continue;
                        }

                        inside++;
                        if (Buried(u, v))
                        {
                            continue;
                        }

                        visible++;
                        hits++;
                        (su, sv) = (su + u, sv + v);
                        (bx1, by1, bx2, by2) = (Math.Min(bx1, u), Math.Min(by1, v), Math.Max(bx2, u), Math.Max(by2, v));
                        albedoSum += Part(u, v) == 0 ? body : part;
                    }
                }

                if (hits == 0)
                {
                    continue;
                }

                // One normal per pixel, at the centroid of its visible samples (central differences of the height).
                double cu = su / hits, cv = sv / hits, e = 0.35;
                double gx = ((HeightAt(cu + e, cv) ?? 0) - (HeightAt(cu - e, cv) ?? 0)) / (2 * e * gsdM);
                double gy = ((HeightAt(cu, cv + e) ?? 0) - (HeightAt(cu, cv - e) ?? 0)) / (2 * e * gsdM);
                var n = Normalize(-gx, -gy, 1);
                double diffuse = Math.Max(0, (n.X * light.X) + (n.Y * light.Y) + (n.Z * light.Z));
                double spec = Math.Pow(Math.Max(0, (n.X * half.X) + (n.Y * half.Y) + (n.Z * half.Z)), kind.Material.Shininess) * kind.Material.Specular;
                var sum = ((albedoSum * (1.0 / hits)) * (0.5 + (0.75 * diffuse))) + new Rgb(spec, spec, spec);
                double coverage = hits / (double)(Samples * Samples);
                canvas.Blend(x, y, sum, coverage);
            }
        }

        if (bx2 < bx1 || visible < 4)
        {
            return null;
        }

        // The label is the box of the visible samples, widened by half a sample spacing: each edge within 1/3 px.
        double pad = 0.5 / Samples;
        (bx1, by1, bx2, by2) = (bx1 - pad, by1 - pad, bx2 + pad, by2 + pad);

        var (length, width) = shape.Extent;
        return new SceneObject(kind.Name, kind.ClassName, bx1, by1, bx2, by2, length * 100, width * 100, gsdM, inside == 0 ? 0 : visible / (double)inside, buryFraction > 0);
    }

    /// <summary>Darkens ground points from which the way to the sun passes under the object's surface. Heights are
    /// sampled once per pixel into a buffer, then each ground pixel marches towards the sun over that buffer.</summary>
    private static void DrawShadow(Canvas canvas, Func<double, double, double?> heightAt, Func<double, double, bool> buried, double cx, double cy, double radiusPx, double gsdM, Sun sun, double strength)
    {
        int ox = (int)Math.Floor(cx - radiusPx), oy = (int)Math.Floor(cy - radiusPx);
        int n = (int)Math.Ceiling(2 * radiusPx) + 1;
        var heights = new double[n * n];
        double maxHeight = 0;
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double u = ox + i + 0.5, v = oy + j + 0.5;
                double h = heightAt(u, v) is { } z && !buried(u, v) ? z : heightAt(u, v) is not null ? -1 : 0;
                heights[(j * n) + i] = h;
                maxHeight = Math.Max(maxHeight, h);
            }
        }

        var (tx, ty) = sun.Towards;
        double reach = (maxHeight * sun.ShadowPerMetre / gsdM) + 1;
        double perPixel = gsdM / sun.ShadowPerMetre; // height needed to cast a shadow one pixel long
        int x0 = Math.Max(0, (int)(cx - radiusPx - reach)), x1 = Math.Min(canvas.Width - 1, (int)(cx + radiusPx + reach));
        int y0 = Math.Max(0, (int)(cy - radiusPx - reach)), y1 = Math.Min(canvas.Height - 1, (int)(cy + radiusPx + reach));
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                int bi = x - ox, bj = y - oy;
                if (bi >= 0 && bj >= 0 && bi < n && bj < n && heights[(bj * n) + bi] != 0)
                {
                    continue; // the object itself (or its buried part)
                }

                for (double t = 0.5; t <= reach; t += 0.5)
                {
                    int qi = (int)Math.Floor(x + 0.5 + (tx * t)) - ox, qj = (int)Math.Floor(y + 0.5 + (ty * t)) - oy;
                    if (qi < 0 || qj < 0 || qi >= n || qj >= n)
                    {
                        continue;
                    }

                    double h = heights[(qj * n) + qi];
                    if (h > 0 && h >= t * perPixel)
                    {
                        canvas.Darken(x, y, 1 - strength);
                        break;
                    }
                }
            }
        }
    }

    private static (double X, double Y, double Z) Normalize(double x, double y, double z)
    {
        double l = Math.Sqrt((x * x) + (y * y) + (z * z));
        return (x / l, y / l, z / l);
    }

    private static Rgb Pick(Rgb[] colours, Random rng) => colours[rng.Next(colours.Length)];

    private static Rgb Jitter(Rgb c, Random rng)
    {
        double k = 0.85 + (rng.NextDouble() * 0.3);
        return new Rgb(c.R * k * (0.95 + (rng.NextDouble() * 0.1)), c.G * k * (0.95 + (rng.NextDouble() * 0.1)), c.B * k * (0.95 + (rng.NextDouble() * 0.1)));
    }
}
