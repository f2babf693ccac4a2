using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

[Collection(ServiceGroup.Name)]
public sealed partial class AuthorizationTests(ServiceFixture service)
{
    private const string Anonymous = "anonymous";
    private static readonly string[] Everyone = [Roles.Operator, Roles.Analyst, Roles.Planner, Roles.Admin];

    /// <summary>Every endpoint with the roles allowed; the rest get 403, anonymous 401 (pages: a redirect to /login).</summary>
    private static readonly (string Method, string Path, string[] Allowed)[] Endpoints =
    [
        ("GET", "/api/flights", Everyone),
        ("GET", "/api/flights/{flight}", Everyone),
        ("POST", "/api/flights", [Roles.Operator, Roles.Admin]),
        ("DELETE", "/api/flights/{scratch}", [Roles.Admin]),
        ("GET", "/api/flights/{flight}/hazards?format=geojson", [Roles.Planner, Roles.Admin]),
        ("GET", "/api/flights/{flight}/hazards?format=shp&layer=coverage", [Roles.Planner, Roles.Admin]),
        ("GET", "/api/exports?flights={flight}&format=csv", [Roles.Planner, Roles.Admin]),
        ("GET", "/api/hazards?flight={flight}", Everyone),
        ("GET", "/api/hazards/{hazard}", Everyone),
        ("POST", "/api/hazards/{hazard}/review", [Roles.Analyst, Roles.Admin]),
        ("GET", "/api/hazards/{hazard}/reviews", Everyone),
        ("GET", "/api/photos/{photo}/chip?flight={flight}&{box}", Everyone),
        ("GET", "/api/users", [Roles.Admin]),
        ("POST", "/api/users", [Roles.Admin]),
        ("GET", "/hangfire", [Roles.Admin]),
        ("GET", "/", Everyone),
        ("GET", "/healthz", [Anonymous, .. Everyone]),
        ("GET", "/login", [Anonymous, .. Everyone]),
        ("GET", "/api/me", Everyone),
        ("GET", "/api/settings", Everyone),
        ("GET", "/api/models", Everyone),
        ("GET", "/review.html", Everyone),
        ("GET", "/js/common.js", Everyone),
        ("GET", "/lib/leaflet/leaflet.js", Everyone),
        ("GET", "/css/app.css", [Anonymous, .. Everyone]),
        ("GET", "/favicon.svg", [Anonymous, .. Everyone]),
    ];

    public static TheoryData<string, string, string, int> Matrix()
    {
        var data = new TheoryData<string, string, string, int>();
        foreach (var (method, path, allowed) in Endpoints)
        {
            foreach (var role in (string[])[Anonymous, .. Everyone])
            {
                int expected = allowed.Contains(role) ? 200 : role == Anonymous ? (path.StartsWith("/api", StringComparison.Ordinal) || path == "/hangfire" ? 401 : 302) : 403;
                data.Add(method, path, role, expected);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Endpoint_AnswersByRole(string method, string path, string role, int expected)
    {
        using var client = service.Client(role == Anonymous ? null : role);
        using var request = new HttpRequestMessage(new HttpMethod(method), Resolve(path)) { Content = Body(method, path) };
        using var response = await client.SendAsync(request);

        int status = (int)response.StatusCode;
        string detail = $"{method} {path} as {role}: {status} {await response.Content.ReadAsStringAsync()}";
        if (expected == 200)
        {
            Assert.True(status is >= 200 and < 300, detail);
        }
        else
        {
            Assert.True(status == expected, detail);
            if (expected == 302)
            {
                Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Login_WithThePassword_SetsACookieThatOpensTheApi_AndNeedsTheAntiforgeryToken()
    {
        var admin = service.Get<UserAdmin>();
        var user = admin.Create("cookie-user", [Roles.Analyst]);
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };

        string page = await client.GetStringAsync("/login");
        string token = AntiforgeryField().Match(page).Groups[1].Value;
        using var withoutToken = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "cookie-user", ["password"] = user.Password }));
        using var wrong = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["name"] = "cookie-user", ["password"] = "wrong",
        }));
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["name"] = "cookie-user", ["password"] = user.Password, ["returnUrl"] = "/api/flights",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/api/flights", login.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flights")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task CookieSession_ApiWrites_NeedTheXsrfHeader_ThatPagesHandOut()
    {
        var admin = service.Get<UserAdmin>();
        var user = admin.Create("xsrf-user", [Roles.Analyst]);
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };
        string token = AntiforgeryField().Match(await client.GetStringAsync("/login")).Groups[1].Value;
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["name"] = "xsrf-user", ["password"] = user.Password, ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var review = JsonContent.Create(new { decision = "confirm" });

        using var forged = await client.PostAsync("/api/hazards/hp-000000000000/review", review);
        using var me = await client.GetAsync("/api/me");
        string? xsrf = cookies.GetCookies(service.BaseAddress)[ApiAntiforgery.CookieName]?.Value;
        using var withHeader = new HttpRequestMessage(HttpMethod.Post, "/api/hazards/hp-000000000000/review") { Content = JsonContent.Create(new { decision = "confirm" }) };
        withHeader.Headers.Add(ApiAntiforgery.HeaderName, xsrf);
        using var allowed = await client.SendAsync(withHeader);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("antiforgery", await forged.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.False(string.IsNullOrEmpty(xsrf), "no XSRF-TOKEN cookie after a page-level request");
        Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode); // past the antiforgery check: the hazard does not exist
    }

    [Fact]
    public async Task RevokedToken_IsRefused()
    {
        var admin = service.Get<UserAdmin>();
        var user = admin.Create("revoked-user", [Roles.Operator]);
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", user.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flights")).StatusCode);

        service.Get<IUserStore>().RevokeTokens("revoked-user");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/flights")).StatusCode);
    }

    private string Resolve(string path)
    {
        var store = service.Get<IFlightStore>();
        var hazard = store.GetHazards(service.DemoFlightId)[0].Point;
        var o = hazard.Observations[0];
        string scratch = path.Contains("{scratch}", StringComparison.Ordinal)
            ? store.UpsertFlight(new FlightDefinition(Files.FlightFolders.NewFlightId(), "scratch", null)).Id
            : "";
        return path.Replace("{flight}", service.DemoFlightId, StringComparison.Ordinal)
            .Replace("{scratch}", scratch, StringComparison.Ordinal)
            .Replace("{hazard}", hazard.Id, StringComparison.Ordinal)
            .Replace("{photo}", o.PhotoId, StringComparison.Ordinal)
            .Replace("{box}", FormattableString.Invariant($"x1={o.Box.X1}&y1={o.Box.Y1}&x2={o.Box.X2}&y2={o.Box.Y2}"), StringComparison.Ordinal);
    }

    private static HttpContent? Body(string method, string path)
    {
        if (method != "POST")
        {
            return null;
        }

        if (path == "/api/flights")
        {
            var form = new MultipartFormDataContent { { new StringContent("matrix"), "name" } };
            form.Add(new ByteArrayContent(File.ReadAllBytes(Path.Combine(TestPaths.DemoFlight, "IMG_0002.jpg"))), "photos", "IMG_0002.jpg");
            return form;
        }

        return path == "/api/users"
            ? JsonContent.Create(new { name = "u" + Guid.NewGuid().ToString("N")[..8], roles = new[] { Roles.Operator } })
            : JsonContent.Create(new { decision = "unsure", comment = "matrix" });
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
