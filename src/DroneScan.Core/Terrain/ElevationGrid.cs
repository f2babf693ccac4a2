using DroneScan.Core.Geodesy;

namespace DroneScan.Core.Terrain;

/// <summary>
/// A DEM as a regular grid of heights, interpolated bilinearly between sample centres. Samples that are NaN are
/// NoData: a position whose four neighbours include one gives no height, rather than a guess.
/// </summary>
/// <remarks>
/// Sample (col, row) lies at x = <c>CentreX0 + col · StepX</c>, y = <c>CentreY0 − row · StepY</c> in the grid's
/// projection (rows go south). The reader turns the GeoTIFF's PixelIsArea/PixelIsPoint convention into these
/// sample-centre coordinates, so nothing here depends on it.
/// </remarks>
public sealed class ElevationGrid : ITerrain
{
    private readonly float[] _heights;

    public ElevationGrid(string name, int width, int height, float[] heights, double centreX0, double centreY0, double stepX, double stepY, GridProjection projection, double verticalSigmaM)
    {
        ArgumentNullException.ThrowIfNull(heights);
        ArgumentNullException.ThrowIfNull(projection);
        if (width < 2 || height < 2 || heights.Length != width * height)
        {
            throw new ArgumentException($"a {width} × {height} grid needs {width * height} heights, got {heights.Length}", nameof(heights));
        }

        if (!(stepX > 0 && stepY > 0))
        {
            throw new ArgumentException($"grid steps must be positive (got {stepX}, {stepY})", nameof(stepX));
        }

        Name = name;
        Width = width;
        Height = height;
        _heights = heights;
        CentreX0 = centreX0;
        CentreY0 = centreY0;
        StepX = stepX;
        StepY = stepY;
        Projection = projection;
        VerticalSigmaM = verticalSigmaM;
        var middle = Projection == GridProjection.Geographic ? new GeoPoint(centreY0 - (height * stepY / 2), centreX0 + (width * stepX / 2)) : default;
        var (me, mn) = projection.MetresPerUnit(middle);
        ResolutionM = Math.Max(stepX * me, stepY * mn);
        MaxGradient = GradientBound(stepX * me, stepY * mn);
    }

    /// <summary>Bilinear interpolation never slopes more than the steepest neighbouring samples do along each
    /// axis, so √(gx² + gy²) of those bounds it (5 % added for the metres-per-degree varying over the grid).</summary>
    public double MaxGradient { get; }

    public string Name { get; }

    public int Width { get; }

    public int Height { get; }

    public double CentreX0 { get; }

    public double CentreY0 { get; }

    public double StepX { get; }

    public double StepY { get; }

    public GridProjection Projection { get; }

    public double VerticalSigmaM { get; }

    public double ResolutionM { get; }

    private double GradientBound(double metresX, double metresY)
    {
        double gx = 0, gy = 0;
        for (int r = 0; r < Height; r++)
        {
            for (int c = 0; c < Width; c++)
            {
                double h = Sample(c, r);
                if (c + 1 < Width && Math.Abs(Sample(c + 1, r) - h) is var dx && !double.IsNaN(dx))
                {
                    gx = Math.Max(gx, dx / metresX);
                }

                if (r + 1 < Height && Math.Abs(Sample(c, r + 1) - h) is var dy && !double.IsNaN(dy))
                {
                    gy = Math.Max(gy, dy / metresY);
                }
            }
        }

        return Math.Sqrt((gx * gx) + (gy * gy)) * 1.05;
    }

    /// <summary>The stored sample at (col, row); NaN for NoData.</summary>
    public float Sample(int col, int row) => _heights[(row * Width) + col];

    /// <summary>Lowest and highest valid height.</summary>
    public (double Min, double Max) Range()
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float h in _heights)
        {
            if (!float.IsNaN(h))
            {
                min = Math.Min(min, h);
                max = Math.Max(max, h);
            }
        }

        return (min, max);
    }

    public double? HeightAt(GeoPoint point)
    {
        var (x, y) = Projection.Project(point);
        double col = (x - CentreX0) / StepX;
        double row = (CentreY0 - y) / StepY;
        // A hair of tolerance so that the outermost sample centres, computed back from coordinates, are inside.
        const double Hair = 1e-6;
        if (!(col >= -Hair && row >= -Hair && col <= Width - 1 + Hair && row <= Height - 1 + Hair))
        {
            return null;
        }

        col = Math.Clamp(col, 0, Width - 1);
        row = Math.Clamp(row, 0, Height - 1);

        int c0 = Math.Min((int)col, Width - 2), r0 = Math.Min((int)row, Height - 2);
        double fx = col - c0, fy = row - r0;
        double h00 = Sample(c0, r0), h10 = Sample(c0 + 1, r0), h01 = Sample(c0, r0 + 1), h11 = Sample(c0 + 1, r0 + 1);
        double h = ((1 - fy) * (((1 - fx) * h00) + (fx * h10))) + (fy * (((1 - fx) * h01) + (fx * h11)));
        return double.IsNaN(h) ? null : h;
    }
}
