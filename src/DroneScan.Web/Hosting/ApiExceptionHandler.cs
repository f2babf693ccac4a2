using DroneScan.Core.Flights;
using DroneScan.Storage;
using DroneScan.Web.Files;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace DroneScan.Web.Hosting;

/// <summary>
/// The one mapping from exceptions to ProblemDetails: what the client sent wrong is 400 (its message says what),
/// a missing id 404, a state conflict 409, a too-large body 413, a full or locked database 503 with Retry-After
/// (the request may simply be sent again; the database's path stays in the server log); anything else stays a 500
/// without details.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is StoreUnavailableException unavailable)
        {
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = "30";
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Service unavailable",
                    Detail = unavailable.Problem == StoreProblem.Full
                        ? "the server's database is full; nothing was saved. Try again later (an administrator must free space)"
                        : "the server's database is busy; nothing was saved. Try again in a moment",
                },
            }).ConfigureAwait(false);
        }

        (int status, string title)? mapped = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Upload too large" : "Bad request"),
            UploadRejectedException => (StatusCodes.Status400BadRequest, "Upload rejected"),
            FormatException or ArgumentException or NotSupportedException => (StatusCodes.Status400BadRequest, "Bad request"),
            KeyNotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            InvalidOperationException => (StatusCodes.Status409Conflict, "Conflict"),
            _ => null,
        };
        if (mapped is not { } m)
        {
            return false;
        }

        httpContext.Response.StatusCode = m.status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = m.status, Title = m.title, Detail = exception.Message },
        }).ConfigureAwait(false);
    }
}
