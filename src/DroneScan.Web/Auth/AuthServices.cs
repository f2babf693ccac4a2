using System.Security.Claims;
using System.Text.Encodings.Web;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Auth;

/// <summary>Cookie sessions for browsers, bearer API tokens for scripts, one policy per capability.</summary>
public static class AuthServiceCollectionExtensions
{
    /// <summary>The scheme that picks cookie or bearer per request.</summary>
    public const string Scheme = "DroneScan";

    /// <summary>
    /// Registers authentication (bearer token when an <c>Authorization: Bearer</c> header is sent, else the cookie),
    /// the role policies, and a fallback policy that requires a signed-in user everywhere not marked anonymous.
    /// API paths answer 401/403 instead of redirecting to the login page.
    /// </summary>
    public static IServiceCollection AddDroneScanAuth(this IServiceCollection services)
    {
        services.AddSingleton<UserAdmin>();
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new LoginThrottle(
            sp.GetRequiredService<IOptions<LoginThrottleOptions>>().Value, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "cookie or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? TokenAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.Cookie.Name = "dronescan";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);

                // A session ends when its user is disabled (or deleted), its password is reset or its roles change:
                // checked on every request, one indexed read.
                o.Events.OnValidatePrincipal = async context =>
                {
                    string? name = context.Principal?.Identity?.Name;
                    var user = name is null ? null : context.HttpContext.RequestServices.GetRequiredService<UserAdmin>().Active(name);
                    if (user is null || context.Principal!.FindFirst(SessionStampClaim)?.Value != SessionStamp(user))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
                    }
                };
            });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Upload, p => p.RequireRole(Roles.Operator, Roles.Admin))
            .AddPolicy(Policies.Review, p => p.RequireRole(Roles.Analyst, Roles.Admin))
            .AddPolicy(Policies.Export, p => p.RequireRole(Roles.Planner, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
        services.AddAntiforgery(o => o.HeaderName = ApiAntiforgery.HeaderName);
        return services;
    }

    /// <summary>The claim that ties a session to the password and roles it was opened with.</summary>
    public const string SessionStampClaim = "dronescan:session";

    /// <summary>A short digest of the user's password hash and roles: a reset password or changed roles make it
    /// differ, which ends the sessions opened before.</summary>
    public static string SessionStamp(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        string material = user.PasswordHash + "\n" + string.Join(",", user.Roles.Order(StringComparer.Ordinal));
        return UserAdmin.HashToken(material)[..16];
    }

    /// <summary>The claims of a signed-in user: name, one role claim per role, and its session stamp.</summary>
    public static ClaimsPrincipal Principal(UserRecord user, string scheme)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim> { new(ClaimTypes.Name, user.Name), new(SessionStampClaim, SessionStamp(user)) };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    // Pages redirect to the login page; the API and the dashboard answer with a status (ProblemDetails body).
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (status == StatusCodes.Status401Unauthorized && !IsApi(context.Request))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>Authorization: Bearer TOKEN</c>: the token's SHA-256 is looked up among live tokens.</summary>
public sealed class TokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserAdmin users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string token = header["Bearer ".Length..].Trim();
        return Task.FromResult(token.Length > 0 && users.CheckToken(token) is { } user
            ? AuthenticateResult.Success(new AuthenticationTicket(AuthServiceCollectionExtensions.Principal(user, SchemeName), SchemeName))
            : AuthenticateResult.Fail("invalid or revoked API token"));
    }
}

/// <summary>The Hangfire dashboard is for admins only (on top of the endpoint's policy).</summary>
public sealed class AdminDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetHttpContext().User.IsInRole(Roles.Admin);
    }
}
