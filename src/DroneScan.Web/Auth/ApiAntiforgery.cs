using Microsoft.AspNetCore.Antiforgery;

namespace DroneScan.Web.Auth;

/// <summary>
/// Antiforgery for the JSON and multipart API when a browser calls it with its session cookie. Pages hand the
/// request token to their scripts in a readable <c>XSRF-TOKEN</c> cookie; every state-changing request signed in by
/// cookie must echo it in the <c>X-XSRF-TOKEN</c> header (or, for a form such as sign-out, the
/// <c>__RequestVerificationToken</c> field). Scripts with a bearer token are not
/// affected: a token in a header is not something another site can make a browser send.
/// </summary>
public static class ApiAntiforgery
{
    /// <summary>The header scripts send the request token in.</summary>
    public const string HeaderName = "X-XSRF-TOKEN";

    /// <summary>The readable cookie pages receive the request token in.</summary>
    public const string CookieName = "XSRF-TOKEN";

    /// <summary>Checks cookie-session API writes and issues the script token on page loads.</summary>
    public static IApplicationBuilder UseDroneScanApiAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        bool signedInByCookie = context.User.Identity?.IsAuthenticated == true
            && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (signedInByCookie)
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            // Every state-changing request of a cookie session (the API, and forms such as /logout); the dashboard
            // checks its own token.
            bool dashboard = request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase);
            if (!dashboard && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)))
            {
                try
                {
                    await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
                }
                catch (AntiforgeryValidationException)
                {
                    await Results.Problem(
                        statusCode: StatusCodes.Status400BadRequest,
                        title: "Missing or invalid antiforgery token",
                        detail: $"A browser session must send the {HeaderName} header with the token from the {CookieName} cookie; scripts should use an API token (Authorization: Bearer).")
                        .ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }
            }
            else if (HttpMethods.IsGet(request.Method) && (IsPage(request.Path) || request.Path.Equals("/api/me", StringComparison.OrdinalIgnoreCase)))
            {
                var tokens = antiforgery.GetAndStoreTokens(context);
                context.Response.Cookies.Append(CookieName, tokens.RequestToken!, new CookieOptions
                {
                    HttpOnly = false, // read by the page's scripts, by design
                    SameSite = SameSiteMode.Strict,
                    Secure = request.IsHttps,
                    Path = "/",
                });
            }
        }

        await next(context).ConfigureAwait(false);
    });

    private static bool IsPage(PathString path) =>
        path == "/" || path.Value?.EndsWith(".html", StringComparison.OrdinalIgnoreCase) == true;
}
