using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Web.Auth;
using DroneScan.Web.Jobs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Api;

/// <summary><c>/api/hazards</c>: hazard points across flights, their observations and reviews.</summary>
public static partial class HazardEndpoints
{
    public static IEndpointRouteBuilder MapHazardEndpoints(this IEndpointRouteBuilder app)
    {
        var hazards = app.MapGroup("/api/hazards");
        hazards.MapGet("", List);
        hazards.MapGet("/queue", Queue);
        hazards.MapGet("/{id}", Get);
        hazards.MapPost("/{id}/review", Review).RequireAuthorization(Policies.Review);
        hazards.MapGet("/{id}/reviews", Reviews);
        app.MapPost("/api/flights/{id}/hazards/bulk-reject", BulkReject).RequireAuthorization(Policies.Review);
        return app;
    }

    /// <summary>Every point the filters select (summaries, no observations), highest confidence first: one query.</summary>
    private static IResult List(string? flight, string? status, string? @class, IFlightStore store)
    {
        var page = store.GetHazardPage(new HazardQuery
        {
            FlightId = flight,
            Status = status is null ? null : FlightEndpoints.ParseStatus(status),
            ClassName = @class,
            Limit = int.MaxValue,
        });
        return Results.Ok(page.Items.Select(x => x.ToDto()).ToList());
    }

    /// <summary>Most points a queue page holds.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>
    /// One page of the review queue: the points the filters select (<c>flight</c>, <c>status</c>, <c>class</c>,
    /// <c>min</c> confidence), ordered by confidence (<c>order</c> = desc, the default, or asc), <c>limit</c> points
    /// (default 200) after the cursor <c>after</c> (the <c>next</c> of the page before). The first page (no
    /// <c>after</c>) also says how many points the queue holds (<c>total</c>).
    /// </summary>
    private static IResult Queue(string? flight, string? status, string? @class, double? min, string? order, string? after, int? limit, IFlightStore store)
    {
        if (min is { } m && !(m is >= 0 and <= 1))
        {
            throw new FormatException("min: a confidence from 0 to 1");
        }

        if (limit is < 1 or > MaxPageSize)
        {
            throw new FormatException($"limit: 1 to {MaxPageSize} points");
        }

        bool ascending = order?.Trim().ToLowerInvariant() switch
        {
            null or "" or "desc" => false,
            "asc" => true,
            _ => throw new FormatException("order: asc or desc"),
        };
        var cursor = after is null ? null : QueueCursor.Parse(after);
        var page = store.GetHazardPage(new HazardQuery
        {
            FlightId = string.IsNullOrEmpty(flight) ? null : flight,
            Status = string.IsNullOrEmpty(status) || status == "any" ? null : FlightEndpoints.ParseStatus(status),
            ClassName = string.IsNullOrEmpty(@class) ? null : @class,
            MinConfidence = min is > 0 ? min : null,
            Ascending = ascending,
            After = cursor,
            Limit = limit ?? 200,
            CountTotal = cursor is null,
        });
        return Results.Ok(new HazardQueuePage(page.Items.Select(x => x.ToDto()).ToList(), page.Next is { } next ? QueueCursor.Format(next) : null, page.Total));
    }

    private static IResult Get(string id, IFlightStore store)
    {
        var found = store.GetHazard(id) ?? throw new KeyNotFoundException($"no hazard point '{id}'");
        return Results.Ok(found.Hazard.ToDto(found.FlightId, found.PhotoFileNames));
    }

    /// <summary>Longest review comment kept (a field note, not a document; reviews are append-only).</summary>
    public const int MaxCommentChars = 4000;

    /// <summary>Longest class label of a reclassification.</summary>
    public const int MaxLabelChars = 100;

    private static IResult Review(string id, ReviewRequest request, ClaimsPrincipal user, IFlightStore store, AreasRebuilds rebuilds)
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

        var before = store.GetHazard(id) ?? throw new KeyNotFoundException($"no hazard point '{id}'");
        var review = store.AddReview(id, decision, request.Label, request.Comment, user.Identity?.Name ?? "");

        // Suggested areas follow the reviews (a rejected point suggests none, an un-rejected one does again): rebuilt
        // by a job, which AreasRebuilds enqueues after this answer (an enqueue is a job-store transaction). An
        // export of the areas brings them up to date first.
        if ((before.Hazard.Status == HazardStatus.Rejected) != (ReviewRules.StatusOf(decision) == HazardStatus.Rejected))
        {
            rebuilds.Request(review.FlightId);
        }

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
        if (history.Count == 0 && store.GetHazard(id) is null)
        {
            throw new KeyNotFoundException($"no hazard point '{id}'");
        }

        return Results.Ok(history.Select(r => r.ToDto()).ToList());
    }
}

/// <summary>The review queue's page cursor as the API writes it: the last point's confidence (round-trip text) and id.</summary>
internal static class QueueCursor
{
    public static string Format(HazardCursor cursor) =>
        cursor.MaxConfidence.ToString("R", CultureInfo.InvariantCulture) + "~" + cursor.Id;

    /// <exception cref="FormatException">Not a cursor this API wrote.</exception>
    public static HazardCursor Parse(string text)
    {
        int split = text.IndexOf('~', StringComparison.Ordinal);
        return split > 0 && split < text.Length - 1
            && double.TryParse(text.AsSpan(0, split), NumberStyles.Float, CultureInfo.InvariantCulture, out double confidence) && double.IsFinite(confidence)
            ? new HazardCursor(confidence, text[(split + 1)..])
            : throw new FormatException("after: give the next cursor of the previous page");
    }
}
