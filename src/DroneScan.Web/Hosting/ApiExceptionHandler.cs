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
/// without details. No answer carries a server path: the stores' messages name no file, and as a last guard every
/// detail has the server's own folders (<see cref="ServerPaths"/>) cut out before it is written.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ServerPaths paths) : IExceptionHandler
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
                    Title = Texts.Get("Problem_ServiceUnavailable"),
                    Detail = unavailable.Problem == StoreProblem.Full
                        ? Texts.Get("Problem_DatabaseFull")
                        : Texts.Get("Problem_DatabaseBusy"),
                },
            }).ConfigureAwait(false);
        }

        // Titles in the request's language (Resources/Texts*.resx); the detail is the exception's own message.
        (int status, string title)? mapped = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, Texts.Get(bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Problem_UploadTooLarge" : "Problem_BadRequest")),
            UploadRejectedException => (StatusCodes.Status400BadRequest, Texts.Get("Problem_UploadRejected")),
            FormatException or ArgumentException or NotSupportedException => (StatusCodes.Status400BadRequest, Texts.Get("Problem_BadRequest")),
            KeyNotFoundException => (StatusCodes.Status404NotFound, Texts.Get("Problem_NotFound")),
            InvalidOperationException => (StatusCodes.Status409Conflict, Texts.Get("Problem_Conflict")),
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
            ProblemDetails = new ProblemDetails { Status = m.status, Title = m.title, Detail = paths.Redact(exception.Message) },
        }).ConfigureAwait(false);
    }
}

/// <summary>The server's own folders and database (data folder, database description, program folders): text that
/// must never reach a client (the temp folder is left out: '/tmp/…' is as likely a client's own file name, echoed). <see cref="Redact"/> cuts them out of a message.</summary>
public sealed class ServerPaths
{
    /// <summary>What stands in an answer where a server path was.</summary>
    public const string Placeholder = "(server path)";

    private readonly string[] paths;

    public ServerPaths(IEnumerable<string?> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);

        // Longest first, so a folder inside another is cut whole; each also without its trailing separator.
        this.paths = paths
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .SelectMany(p => new[] { p!, p!.TrimEnd('/', '\\') })
            .Where(p => p.Length > 1)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(p => p.Length)
            .ToArray();
    }

    /// <summary>The message with every known server path replaced by <see cref="Placeholder"/>.</summary>
    public string Redact(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var path in paths)
        {
            message = message.Replace(path, Placeholder, StringComparison.Ordinal);
        }

        return message;
    }
}
