using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;

namespace DroneScan.Export;

/// <summary>Reads what an export writes from the store: the flight's provenance, points, coverage, photos and areas.</summary>
public static class FlightExport
{
    /// <summary>The export data of a finished flight, optionally only the points of one review status; null when
    /// the flight has no finished run.</summary>
    public static ExportData? Load(IFlightStore store, string flightId, HazardStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.GetFlightInfo(flightId) is not { } info)
        {
            return null;
        }

        return new ExportData(
            info,
            store.GetHazards(flightId, status),
            store.GetCoverage(flightId),
            store.LoadPhotoCoverage(flightId),
            store.GetAreas(flightId));
    }
}
