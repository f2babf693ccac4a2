using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DroneScan.Core.Flights;
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
    public async Task AnAdmin_CannotDisableItself()
    {
        var admin = service.Get<UserAdmin>().Create("only-admin-" + Guid.NewGuid().ToString("N")[..8], [Roles.Admin]);
        using var client = service.Client(null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", admin.Token);

        using var response = await client.PostAsync($"/api/users/{admin.User.Name}/disable", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.False(service.Get<IUserStore>().FindUser(admin.User.Name)!.Disabled);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task DisablingAnUnknownUser_Is404()
    {
        using var admin = service.Client(Roles.Admin);
        using var response = await admin.PostAsync("/api/users/nobody-here/disable", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ResettingAPassword_GivesANewOneOnce_TheOldStopsAndTheTokenStays()
    {
        var user = service.Get<UserAdmin>().Create("forgetful-" + Guid.NewGuid().ToString("N")[..8], [Roles.Planner]);
        using var admin = service.Client(Roles.Admin);

        using var reset = await admin.PostAsync($"/api/users/{user.User.Name}/password", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        string password = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString()!;

        Assert.NotEqual(user.Password, password);
        using var oldPassword = NewBrowser();
        using var newPassword = NewBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(oldPassword, user.User.Name, user.Password));
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(newPassword, user.User.Name, password));
        using var script = service.Client(null);
        script.DefaultRequestHeaders.Authorization = new("Bearer", user.Token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/me")).StatusCode);

        // Shown once: the user list carries no secret.
        string list = await admin.GetStringAsync("/api/users");
        Assert.DoesNotContain(password, list, StringComparison.Ordinal);
        Assert.DoesNotContain("passwordHash", list, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ResettingAPassword_EndsTheSessionsOpenedWithTheOldOne()
    {
        var user = service.Get<UserAdmin>().Create("compromised-" + Guid.NewGuid().ToString("N")[..8], [Roles.Analyst]);
        using var before = NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(before, user.User.Name, user.Password));
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/api/me")).StatusCode);

        using var admin = service.Client(Roles.Admin);
        using var reset = await admin.PostAsync($"/api/users/{user.User.Name}/password", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        string password = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString()!;

        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/api/me")).StatusCode);
        using var after = NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(after, user.User.Name, password));
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ResettingAPassword_IsForAdmins_404ForNobody_409ForADisabledUser()
    {
        var user = service.Get<UserAdmin>().Create("gone-" + Guid.NewGuid().ToString("N")[..8], [Roles.Analyst]);
        using var admin = service.Client(Roles.Admin);
        using var analyst = service.Client(Roles.Analyst);

        using var refused = await analyst.PostAsync($"/api/users/{user.User.Name}/password", null);
        using var nobody = await admin.PostAsync("/api/users/nobody-here/password", null);
        (await admin.PostAsync($"/api/users/{user.User.Name}/disable", null)).Dispose();
        using var disabled = await admin.PostAsync($"/api/users/{user.User.Name}/password", null);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.Conflict), (refused.StatusCode, nobody.StatusCode, disabled.StatusCode));
        Assert.Equal(user.User.PasswordHash, service.Get<IUserStore>().FindUser(user.User.Name)!.PasswordHash);
    }

    private HttpClient NewBrowser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };

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
