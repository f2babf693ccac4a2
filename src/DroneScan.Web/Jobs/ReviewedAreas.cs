using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;

namespace DroneScan.Web.Jobs;

/// <summary>
/// Suggested hazard areas that follow the reviews. A review that moves a point across "rejected" has (through
/// <see cref="AreasRebuilds"/>, after its answer)
/// <see cref="FlightJobs.RebuildAreas"/> instead of rebuilding in the request (the union of a flight's thousands of
/// buffered points takes seconds, a review action must take milliseconds); an export of the areas brings them up to
/// date first, so what a planner downloads always matches the reviews.
/// </summary>
public static class ReviewedAreas
{
    /// <summary>Rebuilds the flight's areas from its points not rejected, unless they already hold exactly those points
    /// at this buffer (<see cref="SuggestedAreas.AreCurrent"/>: then nothing is built).</summary>
    /// <returns>Whether they were rebuilt.</returns>
    /// <exception cref="KeyNotFoundException">No such flight.</exception>
    public static bool Refresh(IFlightStore store, string flightId, double bufferM)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (SuggestedAreas.AreCurrent(store.GetAreas(flightId), PointsOf(store, flightId), bufferM))
        {
            return false;
        }

        // Checked again under the flight's lock: a review between the look and the lock is seen.
        bool rebuilt = false;
        store.ReplaceAreas(flightId, hazards =>
        {
            var existing = store.GetAreas(flightId);
            if (SuggestedAreas.AreCurrent(existing, hazards, bufferM))
            {
                return existing;
            }

            rebuilt = true;
            return SuggestedAreas.BuildReviewed(hazards, bufferM);
        });
        return rebuilt;
    }

    private static List<ReviewedHazard> PointsOf(IFlightStore store, string flightId) =>
        store.GetHazardPage(new HazardQuery { FlightId = flightId, Limit = int.MaxValue }).Items.Select(q => q.Hazard).ToList();
}
