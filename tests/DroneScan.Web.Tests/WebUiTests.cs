using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;

namespace DroneScan.Web.Tests;

/// <summary>The web UI's serving: start page, security headers, who am I. (The pages themselves: DroneScan.Web.BrowserTests.)</summary>
[Collection(ServiceGroup.Name)]
public sealed class WebUiTests(ServiceFixture service)
{
    [Fact]
    public async Task StartPage_IsTheUi_WithAStrictContentSecurityPolicy()
    {
        using var client = service.Client(Roles.Operator);
        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<header id=\"nav\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        string csp = string.Join(';', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Me_GivesTheNameAndRoles()
    {
        using var client = service.Client(Roles.Analyst);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal("analyst-user", me.GetProperty("name").GetString());
        Assert.Equal([Roles.Analyst], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Fact]
    public async Task LoginPage_ShowsTheReturnUrlOnlyAsAnEncodedValue()
    {
        using var client = service.Client(null);
        string page = await client.GetStringAsync("/login?returnUrl=" + Uri.EscapeDataString("/x\"><script>alert(1)</script>{{token}}"));

        // Encoded, and the template's placeholder syntax in a value stays text (the page is filled in one pass).
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.Contains("name=\"returnUrl\" value=\"/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;{{token}}\"", page, StringComparison.Ordinal);
        Assert.Matches("name=\"__RequestVerificationToken\" value=\"[^\"]+\"", page);
    }

    [Fact]
    public async Task LoginPage_CanLoadItsStylesheet_BeforeSignIn()
    {
        using var client = service.Client(null);
        string page = await client.GetStringAsync("/login");
        using var css = await client.GetAsync("/css/app.css");
        using var script = await client.GetAsync("/js/common.js");

        Assert.Contains("href=\"/css/app.css\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, script.StatusCode);
    }

    [Theory]
    [InlineData(null, "img-src 'self' data:;")]
    [InlineData("https://{s}.tile.example.org/{z}/{x}/{y}.png", "img-src 'self' data: https://*.tile.example.org;")]
    [InlineData("https://tiles.example.org:8443/{z}/{x}/{y}.png", "img-src 'self' data: https://tiles.example.org:8443;")]
    [InlineData("javascript:alert(1)", "img-src 'self' data:;")]
    public void ContentSecurityPolicy_AllowsImagesFromTheTileHostOnly(string? tileUrl, string expected) =>
        Assert.Contains(expected, WebUi.ContentSecurityPolicy(tileUrl), StringComparison.Ordinal);
}
