using System.Security.Claims;
using DroneScan.Web.Auth;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Hosting;

/// <summary>The browser UI: configuration section <c>Ui</c>.</summary>
public sealed record UiOptions
{
    public const string Section = "Ui";

    /// <summary>The UI's files; <c>wwwroot</c> beside the program when empty.</summary>
    public string? WebRoot { get; set; }

    /// <summary>A base map tile URL template (<c>https://host/{z}/{x}/{y}.png</c>) for map.html; none by default (offline).</summary>
    public string? TileUrl { get; set; }

    /// <summary>Attribution text shown with the tiles.</summary>
    public string? TileAttribution { get; set; }

    /// <summary>An offline base map: a local MBTiles file of raster (PNG or JPEG) tiles that the service itself serves
    /// to map.html (<c>/api/basemap</c>); none by default. Checked on start.</summary>
    public string? BaseMapFile { get; set; }
}

/// <summary>
/// Serves the static pages of <c>wwwroot</c> (upload, flights, review, map, export) behind the sign-in, with a
/// strict Content-Security-Policy; the stylesheet and icon are public so the login page can use them.
/// <c>/api/me</c> tells the pages who is signed in; <c>/api/settings</c> gives the map's tile URL.
/// </summary>
public static class WebUi
{
    /// <summary>Assets the login page needs before sign-in.</summary>
    private static readonly string[] PublicAssets = ["/css/app.css", "/favicon.svg"];

    /// <summary>The folder the UI is served from.</summary>
    public static string ResolveWebRoot(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        return Path.Combine(AppContext.BaseDirectory, "wwwroot");
    }

    /// <summary>The policy: nothing but this origin (and the tile server's, when one is set); no inline script or style.</summary>
    public static string ContentSecurityPolicy(string? tileUrl)
    {
        string tiles = Uri.TryCreate(tileUrl?.Replace("{s}", "a", StringComparison.Ordinal), UriKind.Absolute, out var u) && u.Scheme is "https" or "http"
            ? " " + u.GetLeftPart(UriPartial.Authority).Replace("://a.", "://*.", StringComparison.Ordinal)
            : "";
        return $"default-src 'self'; img-src 'self' data:{tiles}; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    /// <summary>The policy of the Hangfire dashboard, whose pages use inline script: it may not be framed, at least.</summary>
    public const string DashboardContentSecurityPolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>Security headers on every answer; the Hangfire dashboard (inline script) gets a policy that only
    /// forbids framing and plugins, since its buttons (delete, requeue) must not be clickjacked.</summary>
    public static WebApplication UseDroneScanUiHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        string csp = ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<UiOptions>>().Value.TileUrl);
        app.Use((context, next) =>
        {
            // Decided now, from the path as requested: the dashboard's middleware moves "/hangfire" into PathBase
            // while it runs, so by the time its answer starts the path no longer says it is the dashboard.
            bool dashboard = context.Request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase);

            // Set as the answer starts, not now: the exception handler clears the headers of a failed request before
            // it writes its ProblemDetails, and error answers need them as much as pages.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // Only the dashboard's own pages get its loose policy; a refusal there (the "not allowed" page) is ours.
                headers.ContentSecurityPolicy = dashboard && context.Response.StatusCode < 400 ? DashboardContentSecurityPolicy : csp;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers.XFrameOptions = "DENY";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>Before authentication: the few public assets of the login page.</summary>
    public static WebApplication UseDroneScanPublicAssets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(
            context => PublicAssets.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)),
            branch => branch.UseStaticFiles());
        return app;
    }

    /// <summary>After authorization: every page and script, for signed-in users only (the fallback policy).</summary>
    public static WebApplication UseDroneScanPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                // Pages and modules change with the server: revalidate instead of caching stale copies.
                context.Context.Response.Headers.CacheControl = "no-cache";
            },
        });
        return app;
    }

    /// <summary><c>GET /api/me</c> (with the request's language) and <c>GET /api/settings</c>; <c>GET /</c> serves the start page.</summary>
    public static IEndpointRouteBuilder MapDroneScanUi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", (ClaimsPrincipal user) => Results.Ok(new MeDto(
            user.Identity?.Name ?? "",
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct().Order(StringComparer.Ordinal).ToList(),
            Localisation.Current)));
        app.MapGet("/api/settings", (IOptions<UiOptions> ui) => Results.Ok(new UiSettingsDto(ui.Value.TileUrl, ui.Value.TileAttribution)));
        app.MapGet("/", (IWebHostEnvironment env) => env.WebRootFileProvider.GetFileInfo("index.html") is { Exists: true, PhysicalPath: { } path }
            ? Results.File(path, "text/html; charset=utf-8")
            : Results.NotFound());
        return app;
    }
}

/// <summary>The signed-in user, and the language of this request (the pages load that message catalogue).</summary>
public sealed record MeDto(string Name, IReadOnlyList<string> Roles, string Language);

/// <summary>Settings of the pages.</summary>
public sealed record UiSettingsDto(string? TileUrl, string? TileAttribution);
