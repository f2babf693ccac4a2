using System.Security.Claims;
using System.Text.Json;
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
        app.MapPost("/api/flights/{id}/hazards/bulk-reject", BulkReject).RequireAuthorization(Policies.Review);
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

    /// <summary>
    /// Rejects the flight's candidate points whose confidence is below <c>below</c> (0–1), each with its own review
    /// record (the optional <c>comment</c> on every one), and rebuilds the suggested areas once. Reviewed points keep
    /// their decision. Answers how many were rejected and their ids.
    /// </summary>
    private static IResult BulkReject(string id, Dictionary<string, JsonElement>? body, ClaimsPrincipal user, IFlightStore store, IOptions<ScanOptions> scan)
    {
        // Read by hand, not bound to a record: a wrong type ("below": "half") gets the same 400 naming the field.
        var fields = body ?? [];
        double below = fields.TryGetValue("below", out var b) && b.ValueKind == JsonValueKind.Number && b.TryGetDouble(out double v) && v is >= 0 and <= 1
            ? v
            : throw new FormatException("below: give a confidence as a number from 0 to 1");
        string? note = fields.TryGetValue("comment", out var c) && c.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? c.ValueKind == JsonValueKind.String ? c.GetString() : throw new FormatException("comment: a text")
            : null;
        if (note is { Length: > MaxCommentChars })
        {
            throw new FormatException($"comment: at most {MaxCommentChars} characters");
        }

        string? comment = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        var reviews = store.RejectCandidatesBelow(id, below, comment, user.Identity?.Name ?? "", hazards => SuggestedAreas.BuildReviewed(hazards, scan.Value.AreaBufferM));
        return Results.Ok(new BulkRejectResult(reviews.Count, reviews.Select(r => r.HazardId).ToList()));
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
