namespace DroneScan.Core.Detection;

/// <summary>An axis-aligned box in oriented-image pixels, (X1, Y1) top-left and (X2, Y2) bottom-right, with the
/// same continuous convention as <see cref="Camera.PixelPoint"/>.</summary>
public readonly record struct PixelBox(double X1, double Y1, double X2, double Y2)
{
    public double Width => X2 - X1;

    public double Height => Y2 - Y1;

    public double Area => Math.Max(0, Width) * Math.Max(0, Height);

    public Camera.PixelPoint Centre => new((X1 + X2) / 2, (Y1 + Y2) / 2);

    public static PixelBox FromCentre(double cx, double cy, double w, double h) => new(cx - (w / 2), cy - (h / 2), cx + (w / 2), cy + (h / 2));

    public double IntersectionArea(PixelBox other)
    {
        double w = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        double h = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        return w > 0 && h > 0 ? w * h : 0;
    }

    /// <summary>Intersection over union.</summary>
    public double IoU(PixelBox other)
    {
        double i = IntersectionArea(other);
        double u = Area + other.Area - i;
        return u > 0 ? i / u : 0;
    }

    /// <summary>Intersection over the smaller box: 1 when one box lies inside the other, which is how the two
    /// halves of an object cut by a tile edge look to each other.</summary>
    public double IoS(PixelBox other)
    {
        double s = Math.Min(Area, other.Area);
        return s > 0 ? IntersectionArea(other) / s : 0;
    }

    public PixelBox Union(PixelBox other) => new(Math.Min(X1, other.X1), Math.Min(Y1, other.Y1), Math.Max(X2, other.X2), Math.Max(Y2, other.Y2));

    public PixelBox Offset(double dx, double dy) => new(X1 + dx, Y1 + dy, X2 + dx, Y2 + dy);

    public PixelBox Scale(double factor) => new(X1 * factor, Y1 * factor, X2 * factor, Y2 * factor);
}
