using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using DroneScan.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace DroneScan.Web.Api;

/// <summary>The server-rendered pages: login and logout (the rest of the UI is static files, see <see cref="Hosting.WebUi"/>).</summary>
public static partial class PageEndpoints
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

    /// <summary>The login page (an embedded resource); each <c>{{name}}</c> is filled in by <see cref="LoginPage"/>.</summary>
    private static readonly string LoginTemplate = ReadLoginTemplate();

    private static IResult LoginPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = HtmlEncoder.Default;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["error"] = error is null ? "" : $"<p class=\"message error\" role=\"alert\">{e.Encode(error)}</p>",
            ["tokenField"] = e.Encode(tokens.FormFieldName),
            ["token"] = e.Encode(tokens.RequestToken ?? ""),
            ["returnUrl"] = e.Encode(returnUrl ?? "/"),
        };

        // One pass, so a value that happens to contain "{{…}}" is never filled in again.
        string html = Placeholder().Replace(LoginTemplate, m => values[m.Groups[1].Value]);
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string ReadLoginTemplate()
    {
        const string Name = "DroneScan.Web.Api.LoginPage.html";
        using var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream(Name)
            ?? throw new InvalidOperationException($"the login page template {Name} is not embedded in {typeof(PageEndpoints).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{\{(error|tokenField|token|returnUrl)\}\}")]
    private static partial Regex Placeholder();
}
