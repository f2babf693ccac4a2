using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using DroneScan.Storage;
using DroneScan.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace DroneScan.Web.Api;

/// <summary>The few server-rendered pages: login, logout, and a start page listing flights.</summary>
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
        app.MapGet("/", Home);
        return app;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext http, IAntiforgery antiforgery, UserAdmin users, [FromForm] string? name, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        if (users.CheckPassword(name ?? "", password ?? "") is not { } user)
        {
            return LoginPage(http, antiforgery, returnUrl, "Wrong user name or password.", StatusCodes.Status401Unauthorized);
        }

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AuthServiceCollectionExtensions.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme))
            .ConfigureAwait(false);
        return Results.LocalRedirect(returnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) ? r : "/");
    }

    private static IResult LoginPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = HtmlEncoder.Default;
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>DroneScan · sign in</title></head><body>")
            .Append("<h1>DroneScan</h1>")
            .Append(error is null ? "" : $"<p role=\"alert\">{e.Encode(error)}</p>")
            .Append("<form method=\"post\" action=\"/login\">")
            .Append($"<input type=\"hidden\" name=\"{e.Encode(tokens.FormFieldName)}\" value=\"{e.Encode(tokens.RequestToken ?? "")}\">")
            .Append($"<input type=\"hidden\" name=\"returnUrl\" value=\"{e.Encode(returnUrl ?? "/")}\">")
            .Append("<label>User <input name=\"name\" autocomplete=\"username\" required></label> ")
            .Append("<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label> ")
            .Append("<button type=\"submit\">Sign in</button></form></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static IResult Home(ClaimsPrincipal user, IFlightStore store)
    {
        var e = HtmlEncoder.Default;
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>DroneScan</title></head><body>")
            .Append($"<p>Signed in as {e.Encode(user.Identity?.Name ?? "")}</p>")
            .Append("<form method=\"post\" action=\"/logout\"><button>Sign out</button></form><h1>Flights</h1><ul>");
        foreach (var f in store.GetFlights())
        {
            html.Append($"<li><a href=\"/api/flights/{e.Encode(f.Flight.Id)}\">{e.Encode(f.Flight.Name)}</a> ({f.Photos} photos, {f.Hazards} hazard points)</li>");
        }

        return Results.Content(html.Append("</ul></body></html>").ToString(), "text/html; charset=utf-8");
    }
}
