namespace DroneScan.Core.Georeferencing;

/// <summary>
/// Horizontal position uncertainty of a ground point, from a 2 × 2 East/North covariance (m²) of a bivariate
/// normal error.
/// <list type="bullet">
/// <item><see cref="SigmaM"/>: the circular-equivalent 1-σ, √((σ₁² + σ₂²) / 2); equals σ for a circular error.</item>
/// <item><see cref="R90M"/>: the radius that holds the true position with 90 % probability, solved exactly for
/// the ellipse (2.146 σ for a circular error).</item>
/// <item>The 1-σ ellipse: semi-axes and the compass azimuth of the major axis (0…180°).</item>
/// </list>
/// </summary>
public sealed record HorizontalUncertainty(double SigmaM, double R90M, double SemiMajorM, double SemiMinorM, double MajorAxisAzimuthDeg)
{
    /// <summary>Probability held by <see cref="R90M"/>.</summary>
    public const double R90Probability = 0.9;

    public static HorizontalUncertainty FromCovariance(double varEastM2, double covEastNorthM2, double varNorthM2)
    {
        double mean = (varEastM2 + varNorthM2) / 2;
        double diff = (varEastM2 - varNorthM2) / 2;
        double root = Math.Sqrt((diff * diff) + (covEastNorthM2 * covEastNorthM2));
        double l1 = Math.Max(mean + root, 0), l2 = Math.Max(mean - root, 0);

        // Major-axis direction angle from east, counter-clockwise → compass azimuth from north, clockwise.
        double angleFromEast = 0.5 * Math.Atan2(2 * covEastNorthM2, varEastM2 - varNorthM2);
        double azimuth = 90 - (angleFromEast * 180 / Math.PI);
        azimuth = ((azimuth % 180) + 180) % 180;

        return new HorizontalUncertainty(Math.Sqrt((l1 + l2) / 2), RadiusForProbability(l1, l2, R90Probability), Math.Sqrt(l1), Math.Sqrt(l2), azimuth);
    }

    /// <summary>
    /// Radius r with P(|X| ≤ r) = p for X ~ N(0, diag(λ₁, λ₂)). Writing X = ρ(√λ₁ cos φ, √λ₂ sin φ) with
    /// ρ² ~ χ²₂ and φ uniform gives P(r) = 1 − (1/2π)∫ exp(−r² / 2q(φ)) dφ, q = λ₁cos²φ + λ₂sin²φ; the integrand
    /// is smooth and periodic, so the trapezoid rule converges fast; r is then found by bisection.
    /// </summary>
    internal static double RadiusForProbability(double lambda1, double lambda2, double probability)
    {
        if (lambda1 <= 0 && lambda2 <= 0)
        {
            return 0;
        }

        double hi = Math.Sqrt(Math.Max(lambda1, lambda2)) * Math.Sqrt(-2 * Math.Log(1 - probability)) * 1.0001;
        double lo = 0;
        for (int i = 0; i < 80; i++)
        {
            double mid = (lo + hi) / 2;
            if (Probability(lambda1, lambda2, mid) < probability)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    private static double Probability(double lambda1, double lambda2, double r)
    {
        const int Steps = 720;
        double sum = 0;
        for (int i = 0; i < Steps; i++)
        {
            double phi = 2 * Math.PI * i / Steps;
            double c = Math.Cos(phi), s = Math.Sin(phi);
            double q = (lambda1 * c * c) + (lambda2 * s * s);
            sum += q > 0 ? Math.Exp(-r * r / (2 * q)) : 0;
        }

        return 1 - (sum / Steps);
    }
}
