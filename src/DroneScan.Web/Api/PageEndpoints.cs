using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.RegularExpressions;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace DroneScan.Web.Api;

/// <summary>The server-rendered pages: login and logout (the rest of the UI is static files, see <see cref="Hosting.WebUi"/>).</summary>
public static partial class PageEndpoints
{
    public static IEndpointRouteBuilder MapPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) => LoginPage(http, antiforgery, returnUrl, null, null)).AllowAnonymous();
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
            string message = Texts.Format("Login_Throttled", Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes)));
            return LoginPage(http, antiforgery, returnUrl, name, message, StatusCodes.Status429TooManyRequests);
        }

        if (users.CheckPassword(name ?? "", password ?? "") is not { } user)
        {
            throttle.Failed(name ?? "", client);
            return LoginPage(http, antiforgery, returnUrl, name, Texts.Get("Login_Wrong"), StatusCodes.Status401Unauthorized);
        }

        throttle.Succeeded(user.Name);

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AuthServiceCollectionExtensions.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme))
            .ConfigureAwait(false);
        return Results.LocalRedirect(returnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) ? r : "/");
    }

    /// <summary>HTML-encodes every markup character but keeps letters of any script as they are (the pages are in
    /// Azerbaijani and Russian too; the default encoder would write each as a character reference).</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>The login page (an embedded resource); each <c>{{name}}</c> is filled in by <see cref="LoginPage"/>.</summary>
    private static readonly string LoginTemplate = ReadTemplate("LoginPage.html");

    /// <summary>The page a signed-in user sees where a role is missing (an embedded resource; its texts are filled in).</summary>
    private static readonly string NotAllowedTemplate = ReadTemplate("NotAllowedPage.html");

    /// <summary>
    /// The answer to a refused page (403 outside <c>/api</c>, e.g. a non-admin opening <c>/hangfire</c>): the same
    /// "not allowed" page for everyone, as HTML; the API keeps its ProblemDetails.
    /// </summary>
    public static async Task WriteStatusCodeAnswerAsync(StatusCodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        int status = http.Response.StatusCode;
        if (status == StatusCodes.Status403Forbidden && !http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            var e = Html;
            var texts = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["lang"] = Localisation.Current,
                ["title"] = e.Encode(Texts.Get("NotAllowed_Title")),
                ["heading"] = e.Encode(Texts.Get("NotAllowed_Heading")),
                ["text"] = e.Encode(Texts.Get("NotAllowed_Text")),
                ["back"] = e.Encode(Texts.Get("NotAllowed_Back")),
            };
            await http.Response.WriteAsync(Placeholder().Replace(NotAllowedTemplate, m => texts[m.Groups[1].Value]), Encoding.UTF8).ConfigureAwait(false);
            return;
        }

        // As UseStatusCodePages() does by itself: ProblemDetails when the service can write them, else one line.
        var problems = http.RequestServices.GetService<IProblemDetailsService>();
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = status } }).ConfigureAwait(false))
        {
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync($"Status Code: {status}; {ReasonPhrases.GetReasonPhrase(status)}").ConfigureAwait(false);
        }
    }

    /// <summary>The page, in the request's language with a switch to the others; after a refused sign-in it keeps the user name typed (so only the password is typed again)
    /// and puts the cursor in the password field.</summary>
    private static IResult LoginPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? name, string? error, int status = StatusCodes.Status200OK)
    {
        bool known = !string.IsNullOrEmpty(name);
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = Html;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["error"] = error is null ? "" : $"<p class=\"message error\" role=\"alert\">{e.Encode(error)}</p>",
            ["tokenField"] = e.Encode(tokens.FormFieldName),
            ["token"] = e.Encode(tokens.RequestToken ?? ""),
            ["returnUrl"] = e.Encode(returnUrl ?? "/"),
            ["name"] = e.Encode(name ?? ""),
            ["nameFocus"] = known ? "" : " autofocus",
            ["passwordFocus"] = known ? " autofocus" : "",
            ["lang"] = Localisation.Current,
            ["title"] = e.Encode(Texts.Get("Login_Title")),
            ["user"] = e.Encode(Texts.Get("Login_User")),
            ["password"] = e.Encode(Texts.Get("Login_Password")),
            ["signIn"] = e.Encode(Texts.Get("Login_SignIn")),
            ["languages"] = LanguageLinks(returnUrl),
        };

        // One pass, so a value that happens to contain "{{…}}" is never filled in again.
        string html = Placeholder().Replace(LoginTemplate, m => values[m.Groups[1].Value]);
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>Each language's name in itself, for the switch (the same names as the pages' switch, common.js).</summary>
    private static readonly (string Code, string Name)[] LanguageNames = [("az", "Azərbaycanca"), ("ru", "Русский"), ("en", "English")];

    /// <summary>The language switch of the login page: links back to it with <c>?lang=</c> (which the server remembers).</summary>
    private static string LanguageLinks(string? returnUrl)
    {
        var e = Html;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<nav class=\"languages\" aria-label=\"{e.Encode(Texts.Get("Language"))}\">");
        foreach (var (code, name) in LanguageNames)
        {
            string href = QueryHelpers.AddQueryString("/login", new Dictionary<string, string?> { [Localisation.QueryKey] = code, ["returnUrl"] = returnUrl is { Length: > 0 } ? returnUrl : null });
            string current = code == Localisation.Current ? " aria-current=\"true\"" : "";
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{e.Encode(href)}\" lang=\"{code}\" hreflang=\"{code}\"{current}>{e.Encode(name)}</a>");
        }

        return html.Append("</nav>").ToString();
    }

    private static string ReadTemplate(string file)
    {
        string name = "DroneScan.Web.Api." + file;
        using var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the page template {name} is not embedded in {typeof(PageEndpoints).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{\{(error|tokenField|token|returnUrl|name|nameFocus|passwordFocus|lang|title|user|password|signIn|languages|heading|text|back)\}\}")]
    private static partial Regex Placeholder();
}
