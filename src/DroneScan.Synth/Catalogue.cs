namespace DroneScan.Synth;

/// <summary>A colour in linear-ish sRGB 0–1.</summary>
internal readonly record struct Rgb(double R, double G, double B)
{
    public static Rgb operator *(Rgb c, double s) => new(c.R * s, c.G * s, c.B * s);

    public static Rgb operator +(Rgb a, Rgb b) => new(a.R + b.R, a.G + b.G, a.B + b.B);

    public Rgb Mix(Rgb other, double t) => new(R + ((other.R - R) * t), G + ((other.G - G) * t), B + ((other.B - B) * t));
}

/// <summary>How a surface reflects: plastic and painted steel shine a little, rubber and stone hardly.</summary>
internal sealed record Material(double Specular, double Shininess);

/// <summary>
/// One kind of object the generator draws: its class (null for hard negatives), physical shape at true size,
/// colours per part, and material. Sizes are the reference values of DOMAIN.md §3, varied ±5 %.
/// </summary>
internal sealed record ItemKind(string Name, string? ClassName, Func<Random, Shape> Build, Rgb[] BodyColours, Rgb[] PartColours, Material Material, bool CanBeBuried = true);

internal static class Catalogue
{
    public static readonly string[] ClassNames = ["ap_mine", "at_mine", "uxo"];

    private static readonly Material Plastic = new(0.18, 18);
    private static readonly Material Painted = new(0.25, 24);
    private static readonly Material Metal = new(0.45, 40);
    private static readonly Material Matte = new(0.03, 4);
    private static readonly Material Glass = new(0.7, 60);

    private static readonly Rgb Olive = new(0.33, 0.36, 0.20);
    private static readonly Rgb DarkGreen = new(0.20, 0.27, 0.16);
    private static readonly Rgb Brown = new(0.36, 0.27, 0.17);
    private static readonly Rgb Sand = new(0.68, 0.60, 0.44);
    private static readonly Rgb Black = new(0.09, 0.09, 0.08);
    private static readonly Rgb GreyGreen = new(0.40, 0.43, 0.36);
    private static readonly Rgb Grey = new(0.46, 0.46, 0.44);
    private static readonly Rgb Rust = new(0.45, 0.26, 0.13);
    private static readonly Rgb Copper = new(0.72, 0.46, 0.22);
    private static readonly Rgb White = new(0.88, 0.88, 0.85);

    /// <summary>Mines and UXO, each with its class.</summary>
    public static readonly ItemKind[] Targets =
    [
        new("PFM-1", "ap_mine", r => Butterfly(Vary(r)), [DarkGreen, Brown, Sand, Olive], [DarkGreen, Brown, Sand], Plastic),
        new("PMN", "ap_mine", r => new UprightCylinder(0.056 * Vary(r), 0.056, topMarkRadiusM: 0.042), [Brown, Black, DarkGreen], [Black], Plastic),
        new("PMN-2", "ap_mine", r => new UprightCylinder(0.0625 * Vary(r), 0.054, cross: true), [DarkGreen, Olive, Brown], [Black, DarkGreen * 0.7], Plastic),
        new("PMN-4", "ap_mine", r => new UprightCylinder(0.0475 * Vary(r), 0.042, 0.015, 0.006), [Olive, DarkGreen], [Black], Plastic),
        new("PMA-2", "ap_mine", r => new UprightCylinder(0.034 * Vary(r), 0.03, 0.013, 0.012), [Olive, DarkGreen], [Black, Olive * 0.7], Plastic),
        new("OZM-72", "ap_mine", r => new UprightCylinder(0.054 * Vary(r), 0.025, 0.012, 0.02), [Olive, Rust, GreyGreen], [Rust, Grey], Metal),
        new("POMZ-2M", "ap_mine", r => new UprightCylinder(0.03 * Vary(r), 0.13, 0.01, 0.02), [Grey * 0.6, Rust, Olive], [Rust], Metal),
        new("MON-50", "ap_mine", r => new RoundedBox(0.226 * Vary(r), 0.155, 0.066), [Olive, DarkGreen, Brown], [Olive], Painted),
        new("TM-62M", "at_mine", r => new UprightCylinder(0.16 * Vary(r), 0.128, 0.035, 0.02), [Olive, DarkGreen, Rust, GreyGreen], [Grey, Black], Metal),
        new("TM-57", "at_mine", r => new UprightCylinder(0.158 * Vary(r), 0.102, 0.03, 0.015), [Olive, DarkGreen, Rust], [Grey], Metal),
        new("M77", "uxo", r => Cylinder(0.08 * Vary(r), 0.02, tailBand: true), [Olive, GreyGreen, Grey], [White], Metal),
        new("9N235", "uxo", r => Finned(0.23 * Vary(r), 0.0325, 0.85, 0.045, teardrop: false), [GreyGreen, Olive, Grey], [Olive, Grey], Metal),
        new("mortar-82", "uxo", r => Finned(0.33 * Vary(r), 0.041, 0.62, 0.041, teardrop: true), [Olive, GreyGreen, Rust], [Grey, Olive], Painted, CanBeBuried: true),
        new("mortar-120", "uxo", r => Finned(0.65 * Vary(r), 0.06, 0.62, 0.06, teardrop: true), [Olive, GreyGreen], [Grey], Painted),
        new("shell-122", "uxo", r => Shell(0.55 * Vary(r), 0.061), [Olive, GreyGreen, Rust, Grey], [Copper], Painted),
        new("shell-152", "uxo", r => Shell(0.70 * Vary(r), 0.076), [Olive, GreyGreen, Rust], [Copper], Painted),
    ];

    /// <summary>Things that are not mines but can look like them from above: the false alarms to unlearn.</summary>
    public static readonly ItemKind[] Negatives =
    [
        new("stone", null, r => Stone(r, 0.025 + (r.NextDouble() * 0.17)), [new(0.55, 0.53, 0.50), new(0.45, 0.40, 0.34), new(0.70, 0.66, 0.58), new(0.30, 0.29, 0.28)], [Grey], Matte, CanBeBuried: false),
        new("clod", null, r => Stone(r, 0.03 + (r.NextDouble() * 0.12)), [new(0.40, 0.31, 0.22), new(0.30, 0.24, 0.18)], [Brown], Matte, CanBeBuried: false),
        new("stick", null, r => Cylinder(0.15 + (r.NextDouble() * 0.45), 0.004 + (r.NextDouble() * 0.012), tailBand: false), [new(0.42, 0.32, 0.22), new(0.30, 0.24, 0.17), new(0.55, 0.48, 0.38)], [Brown], Matte, CanBeBuried: false),
        new("can", null, r => Cylinder(0.115, 0.033, tailBand: true), [new(0.75, 0.75, 0.76), new(0.7, 0.1, 0.1), new(0.1, 0.2, 0.6), Rust], [White, new(0.8, 0.75, 0.2)], Metal, CanBeBuried: false),
        new("can-upright", null, _ => new UprightCylinder(0.033, 0.115, topMarkRadiusM: 0.028), [new(0.75, 0.75, 0.76), Rust], [Grey], Metal, CanBeBuried: false),
        new("bottle", null, _ => Bottle(), [new(0.15, 0.35, 0.15), new(0.35, 0.2, 0.08), new(0.75, 0.8, 0.8)], [White], Glass, CanBeBuried: false),
        new("plastic", null, r => Debris(r, 0.05 + (r.NextDouble() * 0.15)), [White, new(0.15, 0.3, 0.75), new(0.8, 0.15, 0.1), new(0.85, 0.75, 0.2), Black], [White], Plastic, CanBeBuried: false),
        new("leaf", null, r => Leaf(0.03 + (r.NextDouble() * 0.08)), [new(0.35, 0.45, 0.15), new(0.55, 0.45, 0.2), new(0.45, 0.3, 0.15)], [Brown], Matte, CanBeBuried: false),
    ];

    private static double Vary(Random r) => 0.95 + (r.NextDouble() * 0.1);

    private static FlatPiece Butterfly(double s)
    {
        // PFM-1: 12.0 × 6.1 × 2.0 cm — a thick body at one end, a thin wing to the other.
        (double, double)[] outline =
        [
            (-0.060, -0.024), (-0.056, -0.0305), (-0.012, -0.0305), (0.060, -0.016),
            (0.060, 0.016), (-0.012, 0.0305), (-0.056, 0.0305), (-0.060, 0.024),
        ];
        var scaled = outline.Select(p => (p.Item1 * s, p.Item2 * s)).ToArray();
        return new FlatPiece(scaled, (x, y) => x < -0.012 * s ? 0.02 * Math.Sqrt(Math.Max(0.1, 1 - Math.Pow(y / (0.0305 * s), 4))) : 0.006, (x, _) => x < -0.012 * s ? 0 : 1);
    }

    private static LyingBody Cylinder(double length, double radius, bool tailBand) =>
        new(length, t => radius * Math.Min(1, Math.Min(t, 1 - t) / 0.04 + 0.6), radius, tailBand ? t => t > 0.82 ? 1 : 0 : null);

    private static LyingBody Finned(double length, double radius, double bodyEnd, double finSpan, bool teardrop)
    {
        // Mortar bombs: a teardrop body and a thin tail boom; 9N235: a cylinder with a rounded nose.
        double Profile(double t) => teardrop
            ? (t < bodyEnd ? radius * Math.Pow(Math.Sin(Math.PI * Math.Min(1, t / bodyEnd * 0.85 + 0.05)), 0.55) : radius * 0.3)
            : radius * Math.Min(1, Math.Sqrt(Math.Max(0, t / 0.12)));
        return new LyingBody(length, Profile, radius, t => t > bodyEnd ? 1 : 0, finSpan, 0.86);
    }

    private static LyingBody Shell(double length, double radius)
    {
        // Ogive nose over the first 35 %, a copper driving band near the base.
        double Profile(double t) => t < 0.35 ? radius * Math.Sqrt(Math.Max(0, 1 - Math.Pow((0.35 - t) / 0.35, 2))) : radius * (t > 0.95 ? 0.92 : 1);
        return new LyingBody(length, Profile, radius, t => t is > 0.82 and < 0.87 ? 1 : 0);
    }

    private static LyingBody Bottle() =>
        new(0.25, t => t < 0.2 ? 0.012 : t < 0.35 ? 0.012 + (0.023 * (t - 0.2) / 0.15) : 0.035, 0.035, t => t < 0.05 ? 1 : 0);

    private static Blob Stone(Random r, double radius) =>
        new(radius, radius * (0.3 + (r.NextDouble() * 0.5)), [r.NextDouble() * 0.2, r.NextDouble() * 0.1, r.NextDouble() * 0.05], [r.NextDouble() * 6.28, r.NextDouble() * 6.28, r.NextDouble() * 6.28]);

    private static FlatPiece Debris(Random r, double size)
    {
        int n = 5 + r.Next(5);
        var pts = Enumerable.Range(0, n).Select(i =>
        {
            double a = (2 * Math.PI * i / n) + (r.NextDouble() * 0.5);
            double d = size / 2 * (0.4 + (r.NextDouble() * 0.6));
            return (Math.Cos(a) * d, Math.Sin(a) * d);
        }).ToArray();
        return new FlatPiece(pts, (_, _) => 0.003);
    }

    private static FlatPiece Leaf(double length)
    {
        var pts = Enumerable.Range(0, 12).Select(i =>
        {
            double a = 2 * Math.PI * i / 12;
            return (Math.Cos(a) * length / 2, Math.Sin(a) * length / 5 * (1 - (0.3 * Math.Cos(a))));
        }).ToArray();
        return new FlatPiece(pts, (_, _) => 0.002);
    }
}
