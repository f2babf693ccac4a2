using System.Text.RegularExpressions;
using DroneScan.Core.Flights;
using DroneScan.Web.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DroneScan.Web.BrowserTests;

/// <summary>admin.html against the real service: users (create with roles, reset password, new token, revoke, disable;
/// each secret shown once), deleting a flight, the job dashboard link; a non-admin gets "Not allowed".</summary>
[Collection(LiveServiceGroup.Name)]
public sealed partial class AdminPageTests(LiveServiceFixture service, BrowserFixture browser)
{
    [Fact]
    public async Task Admin_creates_a_user_resets_its_password_issues_and_revokes_tokens_disables_it_and_deletes_a_flight()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        var users = service.App.Services.GetRequiredService<UserAdmin>();
        var root = users.Create("root-" + suffix, [Roles.Admin]);
        var store = service.App.Services.GetRequiredService<IFlightStore>();
        string flightId = FlightIds.ForName("to be deleted " + suffix);
        store.UpsertFlight(new FlightDefinition(flightId, "to be deleted " + suffix, null, "range", UploadedBy: "someone"));

        await using var w = await WatchedPage.OpenAsync(browser.Browser, service.BaseUrl);
        var page = w.Page;
        await SignInAsync(page, root.User.Name, root.Password, "admin.html");
        await Assertions.Expect(page.Locator("#nav a[href='admin.html']")).ToHaveCountAsync(1);

        // Create: password and token shown once, then hidden for good.
        string name = "pilot-" + suffix;
        await page.Locator("#new-name").FillAsync(name);
        await page.Locator("#new-roles input[value=operator]").CheckAsync();
        await page.Locator("#new-roles input[value=planner]").CheckAsync();
        await page.Locator("#create-button").ClickAsync();
        await Assertions.Expect(page.Locator("#secret")).ToBeVisibleAsync();
        string created = await page.Locator("#secret-value").TextContentAsync() ?? "";
        string password = SecretLine().Match(created).Groups["password"].Value;
        string firstToken = SecretLine().Match(created).Groups["token"].Value;
        Assert.NotNull(users.CheckPassword(name, password));
        Assert.Equal(name, users.CheckToken(firstToken)?.Name);
        var row = page.Locator($"#users tr[data-user='{name}']");
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("operator, planner");
        await w.ScreenshotAsync("admin.png");
        await page.Locator("#secret-done").ClickAsync();
        await Assertions.Expect(page.Locator("#secret")).ToBeHiddenAsync();
        Assert.Equal("", await page.Locator("#secret-value").TextContentAsync());

        // Reset password: the new one works, the old one no longer.
        await row.Locator("button[data-action='Reset password']").ClickAsync();
        await Assertions.Expect(page.Locator("#secret")).ToBeVisibleAsync();
        string newPassword = (await page.Locator("#secret-value").TextContentAsync() ?? "").Trim();
        Assert.NotNull(users.CheckPassword(name, newPassword));
        Assert.Null(users.CheckPassword(name, password));
        await page.Locator("#secret-done").ClickAsync();

        // A second token, then both revoked after the dialog.
        await row.Locator("button[data-action='New token']").ClickAsync();
        await Assertions.Expect(page.Locator("#secret-value")).ToHaveTextAsync(TokenText());
        string secondToken = (await page.Locator("#secret-value").TextContentAsync())!.Trim();
        Assert.Equal(name, users.CheckToken(secondToken)?.Name);
        await page.Locator("#secret-done").ClickAsync();
        await row.Locator("button[data-action='Revoke tokens']").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-dialog")).ToBeVisibleAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync($"Revoked 2 tokens of {name}.");
        Assert.Null(users.CheckToken(firstToken));
        Assert.Null(users.CheckToken(secondToken));

        // Disable: the row says so and offers nothing more.
        await row.Locator("button[data-action='Disable']").ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        await Assertions.Expect(row.Locator("td.state")).ToContainTextAsync("disabled");
        await Assertions.Expect(row.Locator("button[data-action='Reset password']")).ToBeDisabledAsync();
        Assert.Null(users.Active(name));

        // Delete a flight without reviews: cancel keeps it, OK deletes it.
        var flightRow = page.Locator($"#flights tr[data-flight='{flightId}']");
        await flightRow.Locator("button[data-action='Delete']").ClickAsync();
        await page.Locator("#confirm-dialog button[value=cancel]").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-dialog")).ToBeHiddenAsync();
        Assert.NotNull(store.GetFlight(flightId));
        await flightRow.Locator("button[data-action='Delete']").ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        await Assertions.Expect(flightRow).ToHaveCountAsync(0);
        Assert.Null(store.GetFlight(flightId));

        await Assertions.Expect(page.Locator("#hangfire-link")).ToHaveAttributeAsync("href", "hangfire");
        w.AssertClean();
        var dashboard = await page.GotoAsync("hangfire");
        Assert.Equal(200, dashboard!.Status);
    }

    [Fact]
    public async Task A_non_admin_sees_no_admin_link_and_the_page_says_not_allowed()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, service.BaseUrl);
        var page = w.Page;
        await SignInAsync(page, LiveServiceFixture.User, service.Password, "admin.html");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Not allowed");
        Assert.Equal(0, await page.Locator("#nav a[href='admin.html']").CountAsync());
        Assert.Equal(0, await page.Locator("#users").CountAsync());
        w.AssertClean();
    }

    private static async Task SignInAsync(IPage page, string name, string password, string then)
    {
        await page.GotoAsync(then);
        await page.Locator("input[name=name]").FillAsync(name);
        await page.Locator("input[name=password]").FillAsync(password);
        await page.Locator("form[action='/login'] button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new Regex(Regex.Escape(then) + "$"));
    }

    [GeneratedRegex(@"password:\s*(?<password>\S+)\s+token:\s*(?<token>\S+)")]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"^\s*ds_\S+\s*$")]
    private static partial Regex TokenText();
}
