using DroneScan.Core.Hazards;

namespace DroneScan.Core.Flights;

/// <summary>The review rules, written once: what a decision needs, and the status it gives a hazard point.</summary>
public static class ReviewRules
{
    /// <summary>The status a decision gives a hazard point.</summary>
    public static HazardStatus StatusOf(ReviewDecision decision) => decision switch
    {
        ReviewDecision.Confirm or ReviewDecision.Reclassify => HazardStatus.Confirmed,
        ReviewDecision.Reject => HazardStatus.Rejected,
        _ => HazardStatus.Unsure,
    };

    /// <exception cref="ArgumentException">A reclassification without the new class as its label.</exception>
    public static void Check(string hazardId, ReviewDecision decision, string? label)
    {
        if (decision == ReviewDecision.Reclassify && string.IsNullOrWhiteSpace(label))
        {
            throw new ArgumentException($"reclassifying hazard {hazardId} needs the new class as the label", nameof(label));
        }
    }
}
