using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using DroneScan.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace DroneScan.Web.Api;

/// <summary>The server-rendered pages: login and logout (the rest of the UI is static files, see <see cref="Hosting.WebUi"/>).</summary>
public static class PageEndpoints
{
    public static IEndpointRouteBuilder MapPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) => LoginPage(http, antiforgery, returnUrl, null)).AllowAnonymous();
        app.MapPost("/login", LoginAsync).AllowAnonymous();
        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/login");
        });
        return app;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext http, IAntiforgery antiforgery, UserAdmin users, LoginThrottle throttle, [FromForm] string? name, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        var client = http.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(name ?? "", client) is { } wait)
        {
            // Refused before the password is looked at: a guess made now tells nothing, right or wrong.
            int seconds = (int)Math.Ceiling(wait.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            string message = $"Too many failed sign-ins. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minute(s).";
            return LoginPage(http, antiforgery, returnUrl, message, StatusCodes.Status429TooManyRequests);
        }

        if (users.CheckPassword(name ?? "", password ?? "") is not { } user)
        {
            throttle.Failed(name ?? "", client);
            return LoginPage(http, antiforgery, returnUrl, "Wrong user name or password.", StatusCodes.Status401Unauthorized);
        }

        throttle.Succeeded(user.Name);

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AuthServiceCollectionExtensions.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme))
            .ConfigureAwait(false);
        return Results.LocalRedirect(returnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) ? r : "/");
    }

    private static IResult LoginPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = HtmlEncoder.Default;
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>DroneScan · sign in</title><link rel=\"stylesheet\" href=\"/css/app.css\"><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"></head><body>")
            .Append("<main class=\"login\"><h1>DroneScan</h1>")
            .Append(error is null ? "" : $"<p class=\"message error\" role=\"alert\">{e.Encode(error)}</p>")
            .Append("<form method=\"post\" action=\"/login\" class=\"stack card\">")
            .Append($"<input type=\"hidden\" name=\"{e.Encode(tokens.FormFieldName)}\" value=\"{e.Encode(tokens.RequestToken ?? "")}\">")
            .Append($"<input type=\"hidden\" name=\"returnUrl\" value=\"{e.Encode(returnUrl ?? "/")}\">")
            .Append("<label>User <input name=\"name\" autocomplete=\"username\" required></label> ")
            .Append("<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label> ")
            .Append("<button type=\"submit\" class=\"primary\">Sign in</button></form></main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
