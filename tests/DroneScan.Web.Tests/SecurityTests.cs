using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DroneScan.Web.Tests;

/// <summary>
/// Checks that hold for every endpoint, found from the app's own endpoint data source and web root rather than a
/// hand-kept list: cookie-session writes need the antiforgery token, every answer carries the security headers,
/// and no password or token reaches the logs.
/// </summary>
[Collection(ServiceGroup.Name)]
public sealed partial class SecurityTests(ServiceFixture service)
{
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public void TheEndpointList_HasTheKnownWrites()
    {
        var routes = WriteRoutes(service.Services).Select(r => $"{r.Method} {r.Path}").ToList();

        Assert.Contains("POST /api/flights", routes);
        Assert.Contains("POST /api/hazards/x1/review", routes);
        Assert.Contains("DELETE /api/users/x1/tokens", routes);
        Assert.Contains("POST /logout", routes);
        Assert.True(routes.Count >= 8, string.Join(", ", routes));
    }

    [Fact]
    public async Task EveryCookieSessionWrite_WithoutTheAntiforgeryToken_IsRefused()
    {
        var (client, cookies) = await SignedInAsAdminAsync();
        using (client)
        {
            var failures = new List<string>();
            foreach (var (method, path) in WriteRoutes(service.Services))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { decision = "confirm", name = "forged", roles = new[] { "admin" } }) };
                using var response = await client.SendAsync(request);
                string body = await response.Content.ReadAsStringAsync();

                // /login: its form token is what is missing; everything else: the session's XSRF token.
                if (response.StatusCode != HttpStatusCode.BadRequest || !body.Contains("antiforgery", StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{method} {path}: {(int)response.StatusCode} {body}");
                }
            }

            Assert.Empty(failures);
            Assert.NotNull(cookies.GetCookies(service.BaseAddress)["dronescan"]); // still signed in: it was the token that was missing
            using var me = await client.GetAsync("/api/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }
    }

    [Fact]
    public async Task SignOut_WithTheTokenTheFormCarries_SignsOut()
    {
        var (client, cookies) = await SignedInAsAdminAsync();
        using (client)
        {
            string xsrf = cookies.GetCookies(service.BaseAddress)[ApiAntiforgery.CookieName]!.Value;
            using var logout = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = xsrf }));

            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        }
    }

    [Fact]
    public async Task HangfireDashboardWrite_WithoutItsToken_IsRefused()
    {
        var (client, _) = await SignedInAsAdminAsync();
        using (client)
        {
            using var response = await client.PostAsync("/hangfire/jobs/failed/delete", new FormUrlEncodedContent(new Dictionary<string, string> { ["jobs[]"] = "1" }));

            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}");
        }
    }

    /// <summary>Every page and script of the web root, the server-rendered pages, the API and error answers.</summary>
    public static TheoryData<string, string?> Answers()
    {
        var data = new TheoryData<string, string?>();
        string root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            data.Add("/" + Path.GetRelativePath(root, file).Replace('\\', '/'), Roles.Admin);
        }

        foreach (var path in new[] { "/", "/login", "/healthz", "/api/me", "/api/flights", "/api/flights/fl-000000000000", "/api/hazards?status=nonsense", "/no-such-page" })
        {
            data.Add(path, Roles.Admin);
        }

        data.Add("/login", null);
        data.Add("/", null);
        data.Add("/api/flights", null);
        data.Add("/css/app.css", null);
        return data;
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task EveryAnswer_HasTheSecurityHeaders(string path, string? role)
    {
        using var client = service.Client(role);
        using var response = await client.GetAsync(path);

        AssertSecurityHeaders(response, $"GET {path} as {role ?? "anonymous"} ({(int)response.StatusCode})");
    }

    [Fact]
    public async Task TheDashboard_MayNotBeFramed()
    {
        var (client, _) = await SignedInAsAdminAsync();
        using (client)
        {
            using var response = await client.GetAsync("/hangfire");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string csp = string.Join(';', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/jobs/enqueued")]
    public async Task TheDashboard_GetsItsOwnPolicy_OnEveryPage(string path)
    {
        var (client, _) = await SignedInAsAdminAsync();
        using (client)
        {
            using var response = await client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(WebUi.DashboardContentSecurityPolicy, string.Join(';', response.Headers.GetValues("Content-Security-Policy")));
        }
    }

    [Theory]
    [InlineData(Roles.Analyst)]
    [InlineData(Roles.Operator)]
    public async Task TheDashboard_ForANonAdmin_IsTheNotAllowedPage_NotJson(string role)
    {
        var (client, _) = await SignedInAsync(role);
        using (client)
        {
            using var response = await client.GetAsync("/hangfire");
            string body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("Not allowed", body, StringComparison.Ordinal);
            Assert.Contains("href=\"/\"", body, StringComparison.Ordinal);
            AssertSecurityHeaders(response, "403 page");
        }
    }

    [Fact]
    public async Task AWrongPassword_KeepsTheUserName_AndPutsTheCursorInThePasswordField()
    {
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };
        string form = AntiforgeryField().Match(await client.GetStringAsync("/login")).Groups[1].Value;
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = form, ["name"] = "forgetful<b>", ["password"] = "wrong", ["returnUrl"] = "/",
        }));
        string body = await login.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("value=\"forgetful&lt;b&gt;\"", body, StringComparison.Ordinal);
        Assert.Matches("type=\"password\"[^>]*autofocus", body);
    }

    [Fact]
    public async Task ARefusedLogin_HasTheSecurityHeaders()
    {
        using var client = service.Client(null);
        using var wrong = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "x", ["password"] = "y" }));

        AssertSecurityHeaders(wrong, $"POST /login ({(int)wrong.StatusCode})");
    }

    [Fact]
    public async Task NoPasswordOrToken_IsLogged_DuringLoginTokenUseAndUserCreation()
    {
        var capture = new CapturingLoggerProvider();
        service.Get<ILoggerFactory>().AddProvider(capture);
        var secrets = new List<string>();
        try
        {
            // A user created through the API: its password and token come back once.
            using var admin = service.Client(Roles.Admin);
            using var created = await admin.PostAsJsonAsync("/api/users", new { name = "log-user", roles = new[] { Roles.Analyst } });
            var user = await created.Content.ReadFromJsonAsync<JsonElement>();
            string password = user.GetProperty("password").GetString()!;
            string token = user.GetProperty("token").GetString()!;
            using var issued = await admin.PostAsync("/api/users/log-user/tokens", null);
            string token2 = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            string wrongPassword = "Wrong-" + Guid.NewGuid().ToString("N");
            string forgedToken = "ds_forged" + Guid.NewGuid().ToString("N");
            secrets.AddRange([password, token, token2, wrongPassword, forgedToken, UserAdmin.HashToken(token)]);

            // Sign-ins, wrong and right, and token use, good and bad.
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };
            string form = AntiforgeryField().Match(await browser.GetStringAsync("/login")).Groups[1].Value;
            foreach (var attempt in new[] { wrongPassword, password })
            {
                using var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = form, ["name"] = "log-user", ["password"] = attempt, ["returnUrl"] = "/",
                }));
            }

            foreach (var bearer in new[] { token, token2, forgedToken })
            {
                using var api = new HttpClient { BaseAddress = service.BaseAddress };
                api.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
                (await api.GetAsync("/api/me")).Dispose();
                (await api.PostAsJsonAsync("/api/hazards/hp-000000000000/review", new { decision = "confirm" })).Dispose();
            }

            using var revoke = await admin.DeleteAsync("/api/users/log-user/tokens");
        }
        finally
        {
            capture.Enabled = false;
        }

        Assert.NotEmpty(capture.Lines); // the capture works: requests were logged
        foreach (var line in capture.Lines)
        {
            Assert.DoesNotContain(secrets, s => line.Contains(s, StringComparison.Ordinal));
        }
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var values), $"{what}: no CSP");
        var directives = string.Join(';', values).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..], StringComparer.Ordinal);
        string[] scripts = directives.TryGetValue("script-src", out var s) ? s : directives["default-src"];
        Assert.DoesNotContain("'unsafe-inline'", scripts);
        Assert.DoesNotContain("'unsafe-eval'", scripts);
        Assert.DoesNotContain("*", scripts);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.Equal(["'none'"], directives["object-src"]);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    private static IEnumerable<(string Method, string Path)> WriteRoutes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Intersect(WriteMethods).Select(m => (m, e.RoutePattern.RawText ?? "")))
            .Where(r => !r.Item2.StartsWith("/hangfire", StringComparison.Ordinal))
            .Select(r => (r.Item1, "/" + RouteParameter().Replace(r.Item2.Trim('/'), "x1")))
            .Distinct()
            .OrderBy(r => r.Item2, StringComparer.Ordinal);

    private Task<(HttpClient Client, CookieContainer Cookies)> SignedInAsAdminAsync() => SignedInAsync(Roles.Admin);

    private async Task<(HttpClient Client, CookieContainer Cookies)> SignedInAsync(string role)
    {
        var user = service.Get<UserAdmin>().Create(role + "-" + Guid.NewGuid().ToString("N")[..8], [role]);
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };
        string form = AntiforgeryField().Match(await client.GetStringAsync("/login")).Groups[1].Value;
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = form, ["name"] = user.User.Name, ["password"] = user.Password, ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        (await client.GetAsync("/")).Dispose(); // a page load hands out the XSRF cookie, as in a browser
        return (client, cookies);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    /// <summary>Keeps every log line (message, state values, exception) written at the levels the service logs.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public bool Enabled { get; set; } = true;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                if (owner.Enabled)
                {
                    owner.Lines.Enqueue($"{category} scope: {state}");
                }

                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => owner.Enabled;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!owner.Enabled)
                {
                    return;
                }

                string values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
            }
        }
    }
}
