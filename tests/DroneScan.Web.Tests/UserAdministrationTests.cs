using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

/// <summary>Disabling a user stops its password, its tokens and its open sessions; uploads name their user.</summary>
[Collection(ServiceGroup.Name)]
public sealed partial class UserAdministrationTests(ServiceFixture service)
{
    [Fact]
    public async Task DisablingAUser_StopsItsPassword_ItsTokens_AndItsOpenSession()
    {
        var user = service.Get<UserAdmin>().Create("leaving-" + Guid.NewGuid().ToString("N")[..8], [Roles.Analyst]);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(browser, user.User.Name, user.Password));
        using var script = service.Client(null);
        script.DefaultRequestHeaders.Authorization = new("Bearer", user.Token);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/me")).StatusCode);

        using var admin = service.Client(Roles.Admin);
        using var disable = await admin.PostAsync($"/api/users/{user.User.Name}/disable", null);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, (await disable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabledAt").ValueKind);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/me")).StatusCode);
        using var fresh = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(fresh, user.User.Name, user.Password));
    }

    [Fact]
    public async Task DisablingAnUnknownUser_Is404()
    {
        using var admin = service.Client(Roles.Admin);
        using var response = await admin.PostAsync("/api/users/nobody-here/disable", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AnUploadedFlight_NamesWhoUploadedIt()
    {
        using var client = service.Client(Roles.Analyst);

        var flight = await client.GetFromJsonAsync<JsonElement>($"/api/flights/{service.DemoFlightId}");
        var listed = (await client.GetFromJsonAsync<JsonElement[]>("/api/flights"))!.Single(f => f.GetProperty("id").GetString() == service.DemoFlightId);

        Assert.Equal("operator-user", flight.GetProperty("uploadedBy").GetString());
        Assert.Equal("operator-user", listed.GetProperty("uploadedBy").GetString());
    }

    private static async Task<HttpStatusCode> SignInAsync(HttpClient client, string name, string password)
    {
        string form = AntiforgeryField().Match(await client.GetStringAsync("/login")).Groups[1].Value;
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = form, ["name"] = name, ["password"] = password, ["returnUrl"] = "/",
        }));
        return login.StatusCode;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
