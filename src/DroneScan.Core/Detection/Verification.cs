namespace DroneScan.Core.Detection;

/// <summary>
/// The square of image a chip verifier sees around a candidate box, in pixels of the image the detector saw:
/// centred on the box, side L = max(m, c · the box's longer side). The chip is S × S samples of it; chip pixel
/// (i, j) (column i, row j, 0 … S−1) samples the image at
/// x = cx − L/2 + (i + ½) · L/S − ½ and y = cy − L/2 + (j + ½) · L/S − ½, with pixel centres at integer
/// coordinates — torch <c>grid_sample</c> with <c>align_corners=False</c>, the convention the verifier was trained with.
/// </summary>
/// <param name="CentreX">Box centre x, pixels.</param>
/// <param name="CentreY">Box centre y, pixels.</param>
/// <param name="Side">Side L of the square, pixels.</param>
public readonly record struct ChipWindow(double CentreX, double CentreY, double Side)
{
    /// <summary>The window around <paramref name="box"/> with context factor <paramref name="context"/> (c) and
    /// smallest side <paramref name="minSidePx"/> (m).</summary>
    public static ChipWindow Around(PixelBox box, double context, double minSidePx) =>
        new((box.X1 + box.X2) / 2, (box.Y1 + box.Y2) / 2, Math.Max(minSidePx, context * Math.Max(box.Width, box.Height)));

    /// <summary>The image x sampled by chip column <paramref name="i"/> of a chip <paramref name="size"/> samples wide.</summary>
    public double SampleX(int i, int size) => CentreX - (Side / 2) + ((i + 0.5) * Side / size) - 0.5;

    /// <summary>The image y sampled by chip row <paramref name="j"/> of a chip <paramref name="size"/> samples high.</summary>
    public double SampleY(int j, int size) => CentreY - (Side / 2) + ((j + 0.5) * Side / size) - 0.5;

    /// <summary>
    /// The box a verifier's regression <paramref name="deltas"/> place in this window, in the window's pixels:
    /// centre (cx + dx · L, cy + dy · L), size (e^lw · L) × (e^lh · L) — <c>apply_deltas</c> of verifier.py.
    /// </summary>
    public PixelBox Refine(ChipBoxDeltas deltas) =>
        PixelBox.FromCentre(CentreX + (deltas.Dx * Side), CentreY + (deltas.Dy * Side), Math.Exp(deltas.LogWidth) * Side, Math.Exp(deltas.LogHeight) * Side);
}

/// <summary>
/// A chip verifier's estimate of where the object lies in its chip (<see cref="ChipWindow"/> of side L): the object's
/// centre offset from the chip centre in chip sides (<paramref name="Dx"/> right, <paramref name="Dy"/> down) and its
/// width and height as natural logs of fractions of the chip side — columns 1–4 of a verifier output [N, 5].
/// </summary>
public readonly record struct ChipBoxDeltas(double Dx, double Dy, double LogWidth, double LogHeight)
{
    /// <summary>True when all four are finite numbers (a broken model can return NaN or infinities).</summary>
    public bool IsFinite => double.IsFinite(Dx) && double.IsFinite(Dy) && double.IsFinite(LogWidth) && double.IsFinite(LogHeight);
}

/// <summary>The final score of a verified detection.</summary>
public static class VerifiedScore
{
    /// <summary>
    /// p1^(1−w) · p2^w: the detector's score <paramref name="detectorScore"/> (p1) and the verifier's probability
    /// <paramref name="verifierProbability"/> (p2) weighted by <paramref name="weight"/> (w in [0, 1]; 1 takes the
    /// verifier alone, 0 the detector alone, ½ their geometric mean). Scores outside [0, 1] are clamped, NaN is 0.
    /// </summary>
    public static float Combine(float detectorScore, float verifierProbability, double weight) =>
        (float)(Math.Pow(Unit(detectorScore), 1 - weight) * Math.Pow(Unit(verifierProbability), weight));

    private static double Unit(float p) => p > 0 ? Math.Min(p, 1) : 0;
}
