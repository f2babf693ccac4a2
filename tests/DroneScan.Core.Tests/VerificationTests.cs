using DroneScan.Core.Detection;

namespace DroneScan.Core.Tests;

public class VerificationTests
{
    [Fact]
    public void ChipWindow_IsCentredOnTheBox_WithContextTimesTheLongerSide()
    {
        // Box 40 × 10 centred at (120, 205): L = max(32, 2 × 40) = 80.
        var window = ChipWindow.Around(new PixelBox(100, 200, 140, 210), context: 2, minSidePx: 32);

        Assert.Equal(new ChipWindow(120, 205, 80), window);
    }

    [Fact]
    public void ChipWindow_NeverShrinksBelowTheMinimumSide()
    {
        // Box 6 × 4: 2 × 6 = 12 < 32 → L = 32.
        Assert.Equal(32, ChipWindow.Around(new PixelBox(10, 10, 16, 14), 2, 32).Side);
    }

    [Fact]
    public void ChipWindow_SamplesPixelCentres_AlignCornersFalse()
    {
        // cx 2, L 4, S 2: x = 2 − 2 + (i + ½) · 2 − ½ → 0.5 and 2.5; y likewise from cy 10 → 8.5 and 10.5.
        var window = new ChipWindow(2, 10, 4);

        Assert.Equal(0.5, window.SampleX(0, 2), 12);
        Assert.Equal(2.5, window.SampleX(1, 2), 12);
        Assert.Equal(8.5, window.SampleY(0, 2), 12);
        Assert.Equal(10.5, window.SampleY(1, 2), 12);
    }

    [Fact]
    public void Refine_PlacesTheBoxFromTheChipCentre_InChipSides()
    {
        // Window centre (120, 205), L 80; dx 0.125 → cx 130, dy −0.25 → cy 185; w e^ln(0.25) · 80 = 20,
        // h e^ln(0.5) · 80 = 40 → (120, 165, 140, 205).
        var box = new ChipWindow(120, 205, 80).Refine(new ChipBoxDeltas(0.125, -0.25, Math.Log(0.25), Math.Log(0.5)));

        Assert.Equal(120, box.X1, 1e-9);
        Assert.Equal(165, box.Y1, 1e-9);
        Assert.Equal(140, box.X2, 1e-9);
        Assert.Equal(205, box.Y2, 1e-9);
    }

    [Fact]
    public void Refine_OfTheBoxesOwnDeltas_GivesTheBoxBack()
    {
        // Deltas of a box in its own window (context 2): centre offset 0, w 40 / 80 and h 10 / 80.
        var original = new PixelBox(100, 200, 140, 210);
        var window = ChipWindow.Around(original, context: 2, minSidePx: 32);

        var box = window.Refine(new ChipBoxDeltas(0, 0, Math.Log(40.0 / 80), Math.Log(10.0 / 80)));

        Assert.Equal(original.X1, box.X1, 1e-9);
        Assert.Equal(original.Y1, box.Y1, 1e-9);
        Assert.Equal(original.X2, box.X2, 1e-9);
        Assert.Equal(original.Y2, box.Y2, 1e-9);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, true)]
    [InlineData(double.NaN, 0, 0, 0, false)]
    [InlineData(0, 0, double.PositiveInfinity, 0, false)]
    [InlineData(0, 0, 0, double.NegativeInfinity, false)]
    public void Deltas_AreFiniteOnlyWhenAllFourAre(double dx, double dy, double lw, double lh, bool expected)
    {
        Assert.Equal(expected, new ChipBoxDeltas(dx, dy, lw, lh).IsFinite);
    }

    [Theory]
    [InlineData(0.9f, 0.5f, 0.5, 0.6708204)]   // √(0.9 × 0.5) = √0.45
    [InlineData(0.9f, 0.2f, 1.0, 0.2)]         // w 1: the verifier alone
    [InlineData(0.9f, 0.2f, 0.0, 0.9)]         // w 0: the detector alone
    [InlineData(0.8f, 0.1f, 0.25, 0.4756828)]  // 0.8^0.75 × 0.1^0.25 = 0.8458970 × 0.5623413
    [InlineData(0.05f, 0.0f, 0.5, 0.0)]        // a verifier that says no vetoes
    [InlineData(0.5f, float.NaN, 0.5, 0.0)]    // NaN is no probability
    public void Combine_IsP1ToTheOneMinusWTimesP2ToTheW(float p1, float p2, double w, double expected)
    {
        Assert.Equal(expected, VerifiedScore.Combine(p1, p2, w), 1e-6);
    }
}
