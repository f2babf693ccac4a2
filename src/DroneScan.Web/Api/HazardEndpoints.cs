using System.Security.Claims;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Web.Auth;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Api;

/// <summary><c>/api/hazards</c>: hazard points across flights, their observations and reviews.</summary>
public static class HazardEndpoints
{
    public static IEndpointRouteBuilder MapHazardEndpoints(this IEndpointRouteBuilder app)
    {
        var hazards = app.MapGroup("/api/hazards");
        hazards.MapGet("", List);
        hazards.MapGet("/{id}", Get);
        hazards.MapPost("/{id}/review", Review).RequireAuthorization(Policies.Review);
        hazards.MapGet("/{id}/reviews", Reviews);
        return app;
    }

    private static IResult List(string? flight, string? status, string? @class, IFlightStore store)
    {
        HazardStatus? filter = status is null ? null : FlightEndpoints.ParseStatus(status);
        var flights = flight is not null ? [flight] : store.GetFlights().Select(f => f.Flight.Id).ToList();
        var list = flights
            .SelectMany(f => store.GetHazards(f, filter).Select(h => (Flight: f, Hazard: h)))
            .Where(x => @class is null || string.Equals(x.Hazard.Point.ClassName, @class, StringComparison.OrdinalIgnoreCase))
            .Select(x => x.Hazard.ToDto(x.Flight, fileNames: null))
            .ToList();
        return Results.Ok(list);
    }

    private static IResult Get(string id, IFlightStore store)
    {
        var (flightId, hazard) = Find(store, id);
        var fileNames = store.LoadPhotoCoverage(flightId)
            .GroupBy(p => p.PhotoId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().FileName, StringComparer.Ordinal);
        return Results.Ok(hazard.ToDto(flightId, fileNames));
    }

    /// <summary>Longest review comment kept (a field note, not a document; reviews are append-only).</summary>
    public const int MaxCommentChars = 4000;

    /// <summary>Longest class label of a reclassification.</summary>
    public const int MaxLabelChars = 100;

    private static IResult Review(string id, ReviewRequest request, ClaimsPrincipal user, IFlightStore store, IOptions<ScanOptions> scan)
    {
        ArgumentNullException.ThrowIfNull(request);
        string text = request.Decision?.Trim() ?? "";
        if (!Enum.TryParse<ReviewDecision>(text, ignoreCase: true, out var decision) || text.Length == 0 || char.IsDigit(text[0]))
        {
            throw new FormatException($"decision '{request.Decision}': use confirm, reject, reclassify (with a label) or unsure");
        }

        if (request.Comment is { Length: > MaxCommentChars } || request.Label is { Length: > MaxLabelChars })
        {
            throw new FormatException($"a review's comment holds at most {MaxCommentChars} characters and its label {MaxLabelChars}");
        }

        var review = store.AddReview(id, decision, request.Label, request.Comment, user.Identity?.Name ?? "");

        // Suggested areas follow the reviews: a rejected point no longer suggests one, an un-rejected one does again.
        store.ReplaceAreas(review.FlightId, hazards => SuggestedAreas.BuildReviewed(hazards, scan.Value.AreaBufferM));
        return Results.Ok(review.ToDto());
    }

    private static IResult Reviews(string id, IFlightStore store)
    {
        var history = store.GetReviewHistory(id);
        if (history.Count == 0)
        {
            Find(store, id);
        }

        return Results.Ok(history.Select(r => r.ToDto()).ToList());
    }

    /// <summary>The hazard point and its flight.</summary>
    /// <exception cref="KeyNotFoundException">No point has this id.</exception>
    internal static (string FlightId, ReviewedHazard Hazard) Find(IFlightStore store, string id)
    {
        // Hazard ids carry no flight: look in each flight (few flights per deployment; an index would do for many).
        foreach (var flight in store.GetFlights().Where(f => f.Hazards > 0))
        {
            if (store.GetHazards(flight.Flight.Id).FirstOrDefault(h => h.Point.Id == id) is { } hazard)
            {
                return (flight.Flight.Id, hazard);
            }
        }

        throw new KeyNotFoundException($"no hazard point '{id}'");
    }
}
