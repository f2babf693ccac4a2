using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace DroneScan.Web.BrowserTests;

/// <summary>
/// The pages against <see cref="FakeDroneScan"/> (the files of wwwroot, a fixed API, the real CSP): every page
/// loads without console errors or CSP violations, the review shortcuts post decisions, user text stays text.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class UiSmokeTests(BrowserFixture browser) : IAsyncLifetime
{
    private FakeDroneScan server = null!;

    public async Task InitializeAsync() => server = await FakeDroneScan.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Theory]
    [InlineData("index.html", "main li a")]
    [InlineData("upload.html", "#upload-form")]
    [InlineData("flights.html", "#flights tbody tr")]
    [InlineData("review.html", "#chips img")]
    [InlineData("map.html", ".hazard-marker")]
    [InlineData("export.html", "#download[href]")]
    public async Task Page_loads_without_console_errors(string page, string selector)
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        await w.Page.GotoAsync(page);
        await w.Page.Locator(selector).First.WaitForAsync();
        await w.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(w.Page.Locator("#nav .nav-links a")).ToHaveCountAsync(5);
        await w.ScreenshotAsync("smoke-" + Path.GetFileNameWithoutExtension(page) + ".png");
        w.AssertClean();
    }

    [Fact]
    public async Task Review_keyboard_confirms_moves_on_and_shows_history()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("review.html");
        await Assertions.Expect(page.Locator("#hazard-title")).ToHaveTextAsync("Hazard point hz-1"); // highest confidence first
        await Assertions.Expect(page.Locator("#chips img")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#facts")).ToContainTextAsync("50.4501234");
        await page.Keyboard.PressAsync("c");
        await Assertions.Expect(page.Locator("#hazard-title")).ToHaveTextAsync("Hazard point hz-2");
        Assert.Contains(server.Decisions, d => d is { HazardId: "hz-1", Decision: "confirm" });

        await page.Keyboard.PressAsync("k");
        await Assertions.Expect(page.Locator("#hazard-title")).ToHaveTextAsync("Hazard point hz-1");
        await Assertions.Expect(page.Locator("#history li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#history li").First).ToContainTextAsync("confirm");
        await Assertions.Expect(page.Locator("#hazard-status")).ToHaveTextAsync("confirmed");

        // Reclassify: l opens the class dialog; a comment goes with the decision.
        await page.Keyboard.PressAsync("j");
        await Assertions.Expect(page.Locator("#hazard-title")).ToHaveTextAsync("Hazard point hz-2");
        await page.Locator("#comment").FillAsync("<i>half buried</i>");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("l");
        await Assertions.Expect(page.Locator("#reclassify-dialog")).ToBeVisibleAsync();
        await page.Locator("#reclassify-class").SelectOptionAsync("at_mine");
        await page.Locator("#reclassify-ok").ClickAsync();
        await Assertions.Expect(page.Locator("#hazard-title")).ToHaveTextAsync("Hazard point hz-3");
        Assert.Contains(server.Decisions, d => d is { HazardId: "hz-2", Decision: "reclassify", Label: "at_mine", Comment: "<i>half buried</i>" });

        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(page.Locator("#help-dialog")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("p");
        await Assertions.Expect(page.Locator("#history .comment")).ToHaveTextAsync("<i>half buried</i>");
        w.AssertClean();
    }

    [Fact]
    public async Task User_text_with_markup_stays_text()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("flights.html?flight=" + FakeDroneScan.XssFlightId);
        await Assertions.Expect(page.Locator("#flights")).ToContainTextAsync(FakeDroneScan.XssName);
        await Assertions.Expect(page.Locator("#detail-name")).ToHaveTextAsync(FakeDroneScan.XssName);
        await Assertions.Expect(page.Locator("#problems")).ToContainTextAsync("<script>x</script>.jpg");
        await Assertions.Expect(page.Locator("#detail-notes")).ToHaveTextAsync("notes <b>not bold</b>");
        Assert.Equal(0, await page.Locator("main img, main script, main b").CountAsync());
        await w.NextFlightsPollAsync(); // one poll later, still text
        Assert.Equal(0, await page.Locator("main img").CountAsync());

        await page.GotoAsync("export.html");
        await Assertions.Expect(page.Locator("#flight option")).ToHaveCountAsync(2);
        Assert.Contains(FakeDroneScan.XssName, await page.Locator("#flight").InnerTextAsync(), StringComparison.Ordinal);
        w.AssertClean();
    }

    [Fact]
    public async Task Upload_file_names_with_markup_stay_text_in_refusals_and_the_ignored_list()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("upload.html");
        var photo = new FilePayload { Name = FakeDroneScan.XssFileName, MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xD9] };

        await page.Locator("#name").FillAsync("refuse");
        await page.Locator("#photos").SetInputFilesAsync(photo);
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync(FakeDroneScan.XssFileName);
        await Assertions.Expect(page.Locator("#file-list")).ToContainTextAsync("<script>");

        await page.Locator("#name").FillAsync("fine");
        await page.Locator("#photos").SetInputFilesAsync(photo);
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#ignored li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#ignored li").Nth(1)).ToHaveTextAsync(FakeDroneScan.XssFileName + ".txt: <b>not</b> a photo");
        Assert.Equal(0, await page.Locator("main img, main script, main b").CountAsync());
        // The refusal itself is the one console error (Chromium logs every 4xx); no script ran, no dialog opened.
        Assert.All(w.Errors, e => Assert.Contains("status of 400", e, StringComparison.Ordinal));
        Assert.Empty(w.Dialogs);
    }

    [Fact]
    public async Task Map_shows_coloured_points_and_opens_review_on_click()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("map.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("path.hazard-marker")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("path.hazard-marker.status-candidate")).ToHaveCountAsync(3);
        Assert.Equal(0, await page.Locator(".leaflet-tile").CountAsync()); // no base layer by default
        await page.Locator("path.hazard-marker").First.ClickAsync(new() { Force = true });
        await page.WaitForURLAsync(HazardUrl());
        await Assertions.Expect(page.Locator("#hazard-title")).ToContainTextAsync("Hazard point hz-");
        w.AssertClean();
    }

    [Fact]
    public async Task Export_link_downloads_the_chosen_format()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("export.html?flight=" + FakeDroneScan.FlightId);
        await page.Locator("#format").SelectOptionAsync("geojson");
        await page.Locator("#status").SelectOptionAsync("candidate");
        string? href = await page.Locator("#download").GetAttributeAsync("href");
        Assert.Equal($"api/flights/{FakeDroneScan.FlightId}/hazards?format=geojson&layer=points&status=candidate", href);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download").ClickAsync());
        string path = await download.PathAsync();
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(3, doc.RootElement.GetProperty("features").GetArrayLength());
        w.AssertClean();
    }

    [GeneratedRegex(@"review\.html\?hazard=hz-\d")]
    private static partial Regex HazardUrl();
}
