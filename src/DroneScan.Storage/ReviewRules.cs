namespace DroneScan.Storage;

/// <summary>The review rules, written once: what a decision needs, and the status it gives a hazard point.</summary>
public static class ReviewRules
{
    /// <summary>The status a decision gives a hazard point.</summary>
    public static Core.Hazards.HazardStatus StatusOf(ReviewDecision decision) => decision switch
    {
        ReviewDecision.Confirm or ReviewDecision.Reclassify => Core.Hazards.HazardStatus.Confirmed,
        ReviewDecision.Reject => Core.Hazards.HazardStatus.Rejected,
        _ => Core.Hazards.HazardStatus.Unsure,
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
