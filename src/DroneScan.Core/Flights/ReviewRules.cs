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

    /// <summary>Checks a decision against the point's class now (<see cref="FinalClass"/>): a reclassification is its
    /// own decision, to another class; one to the class the point already has would record a change that is none.</summary>
    /// <exception cref="ArgumentException">No label, or the label is the class the point has (case and blanks aside).</exception>
    public static void Check(string hazardId, ReviewDecision decision, string? label, string currentClass)
    {
        Check(hazardId, decision, label);
        if (decision == ReviewDecision.Reclassify && string.Equals(label!.Trim(), currentClass.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"hazard {hazardId} is already of class '{currentClass}': reclassify it to another class, or confirm it", nameof(label));
        }
    }

    /// <summary>The class of a point after its reviews: the label of its latest reclassification (by time, then
    /// order of recording), else the model's class. A later confirm, reject or unsure keeps that class.</summary>
    public static string FinalClass(string modelClass, IEnumerable<ReviewRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return history
            .Where(r => r.Decision == ReviewDecision.Reclassify && !string.IsNullOrWhiteSpace(r.Label))
            .OrderBy(r => r.At).ThenBy(r => r.Id)
            .LastOrDefault()?.Label!.Trim() ?? modelClass;
    }
}
