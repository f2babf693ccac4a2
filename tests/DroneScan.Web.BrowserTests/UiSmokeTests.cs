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
        Assert.Equal(0, await page.Locator("#reclassify-class option[value=uxo]").CountAsync()); // hz-2 is uxo already
        await page.Locator("#reclassify-class").SelectOptionAsync("at_mine");
        await page.Locator("#reclassify-class").PressAsync("Enter"); // Enter in the class list chooses it
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
    public async Task Review_min_confidence_filters_the_queue_and_bulk_reject_asks_with_the_count_first()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync($"review.html?flight={FakeDroneScan.FlightId}");
        // The stand-in serves two points a page: the third row comes from the page the first page's cursor names.
        await Assertions.Expect(page.Locator("#queue tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#queue-pos")).ToHaveTextAsync("1 of 3");
        Assert.Contains(2, server.QueuePages);
        await Assertions.Expect(page.Locator("#bulk-reject")).ToBeDisabledAsync();

        await page.Locator("#min-conf").FillAsync("0.7");
        await page.Locator("#min-conf").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#queue tbody tr")).ToHaveCountAsync(1); // hz-2 (0.64) and hz-3 (0.42) hidden
        await Assertions.Expect(page.Locator("#queue-pos")).ToHaveTextAsync("1 of 1");
        Assert.Contains("min=0.7", page.Url, StringComparison.Ordinal);

        // Cancel sends nothing.
        await page.Locator("#bulk-reject").ClickAsync();
        await Assertions.Expect(page.Locator("#bulk-dialog")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#bulk-text")).ToContainTextAsync("Reject 2 candidate points of Demo field");
        await page.Locator("#bulk-dialog button[value=cancel]").ClickAsync();
        await Assertions.Expect(page.Locator("#bulk-dialog")).ToBeHiddenAsync();
        Assert.Empty(server.BulkRejects);

        await page.Locator("#bulk-reject").ClickAsync();
        await page.Locator("#bulk-comment").FillAsync("<b>weak</b>");
        await page.Locator("#bulk-ok").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Rejected 2 candidate points below 0.700.");
        Assert.Equal((FakeDroneScan.FlightId, 0.7, "<b>weak</b>"), Assert.Single(server.BulkRejects));

        // The rejected points left the candidate queue: with no minimum, only hz-1 is still a candidate.
        await page.Locator("#min-conf").FillAsync("");
        await page.Locator("#min-conf").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#queue tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#bulk-reject")).ToBeDisabledAsync();
        w.AssertClean();
    }

    [Fact]
    public async Task Review_chips_name_the_photo_file_and_the_reclassify_key_cap_reads_L()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("review.html");
        await Assertions.Expect(page.Locator("#chips figcaption").First).ToContainTextAsync("DJI_0001.JPG");
        Assert.DoesNotContain("ph-a", await page.Locator("#chips").InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#btn-reclassify kbd")).ToHaveTextAsync("L");
        await page.Keyboard.PressAsync("Shift+L"); // the key as its cap shows it
        await Assertions.Expect(page.Locator("#reclassify-dialog")).ToBeVisibleAsync();
        w.AssertClean();
    }

    [Fact]
    public async Task An_empty_review_queue_shows_no_decision_buttons_and_the_upload_form_no_idle_cancel()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("review.html?status=rejected");
        await Assertions.Expect(page.Locator("#empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#btn-confirm")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#actions")).ToBeHiddenAsync();

        await page.GotoAsync("upload.html");
        await Assertions.Expect(page.Locator("#submit")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#cancel")).ToBeHiddenAsync();
        w.AssertClean();
    }

    [Fact]
    public async Task A_flight_without_hazard_points_offers_no_review()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("flights.html?flight=" + FakeDroneScan.EmptyFlightId);
        await Assertions.Expect(page.Locator("#detail-links a")).ToHaveCountAsync(2); // map, export
        Assert.Equal(0, await page.Locator("#review-link").CountAsync());

        await page.GotoAsync("flights.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#review-link")).ToBeVisibleAsync();
        w.AssertClean();
    }

    [Fact]
    public async Task Upload_sends_the_processing_settings_given_and_leaves_out_empty_ones()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("upload.html");
        await page.Locator("#name").FillAsync("with settings");
        await page.Locator("#settings summary").ClickAsync();
        await page.Locator("#agl_m").FillAsync("60");
        await page.Locator("#gps_sigma_m").FillAsync(" 4.5 ");
        await page.Locator("#dem").SetInputFilesAsync(new FilePayload { Name = "hill.tif", MimeType = "image/tiff", Buffer = [0x49, 0x49, 0x2A, 0x00] });
        await page.Locator("#dem_datum").SelectOptionAsync("egm96");
        await page.Locator("#photos").SetInputFilesAsync(new FilePayload { Name = "a.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xD9] });
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#ignored li")).ToHaveCountAsync(2); // the answer arrived

        var sent = server.UploadSettings.Last();
        Assert.Equal(("60", "4.5", "auto"), (sent["agl_m"], sent["gps_sigma_m"], sent["model"]));
        Assert.Equal(("hill.tif", "egm96"), (sent["dem (file)"], sent["dem_datum"]));
        Assert.False(sent.ContainsKey("conf"));
        Assert.False(sent.ContainsKey("altitude_datum"));
        Assert.False(sent.ContainsKey("dem"), "the DEM goes as a file, not as a text field");
        w.AssertClean();
    }

    [Fact]
    public async Task The_model_field_offers_automatic_choice_and_the_services_models_and_a_flight_shows_its_photos_per_model()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("upload.html");
        var model = page.Locator("#model");
        await Assertions.Expect(model.Locator("option")).ToHaveCountAsync(3);
        Assert.Equal(["auto", "dronescan-rgb", "dronescan-thermal"], await model.Locator("option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        await Assertions.Expect(model).ToHaveValueAsync("auto");
        await Assertions.Expect(model.Locator("option").Nth(2)).ToHaveTextAsync("dronescan-thermal 0.3.0 (thermal camera) for every photo");
        await page.Locator("#name").FillAsync("thermal only");
        await page.Locator("#settings summary").ClickAsync();
        await model.SelectOptionAsync("dronescan-thermal");
        await page.Locator("#photos").SetInputFilesAsync(new FilePayload { Name = "a.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xD9] });
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#ignored li")).ToHaveCountAsync(2); // the answer arrived
        Assert.Equal("dronescan-thermal", server.UploadSettings.Last()["model"]);
        await Assertions.Expect(model).ToHaveValueAsync("auto"); // the form is reset for the next upload

        await page.GotoAsync("flights.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#detail-facts")).ToContainTextAsync("dronescan-rgb 0.2.0: 18 photos, dronescan-thermal 0.3.0: 1 photo");
        await page.Locator("#reprocess-block summary").ClickAsync();
        var again = page.Locator("#reprocess-form select[name=model]");
        await Assertions.Expect(again.Locator("option")).ToHaveCountAsync(3);
        await Assertions.Expect(again).ToHaveValueAsync("auto"); // the flight's own setting
        w.AssertClean();
    }

    [Fact]
    public async Task A_failed_flight_shows_a_red_badge_and_says_why_and_a_flight_its_settings()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("flights.html?flight=" + FakeDroneScan.FailedFlightId);
        await Assertions.Expect(page.Locator("#detail-status .badge.status-failed")).ToHaveTextAsync("failed");
        await Assertions.Expect(page.Locator("#detail-problem")).ToContainTextAsync("No photo of this flight could be used");
        Assert.Equal(0, await page.Locator("#detail-links a").CountAsync());

        await page.GotoAsync("flights.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#detail-problem")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#detail-facts")).ToContainTextAsync("height above ground 60 m");
        await Assertions.Expect(page.Locator("#detail-meta")).ToContainTextAsync("by olga");
        w.AssertClean();
    }

    [Fact]
    public async Task A_finished_flight_can_be_reprocessed_with_new_settings()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("flights.html?flight=" + FakeDroneScan.FlightId);
        await page.Locator("#reprocess-block summary").ClickAsync();
        var agl = page.Locator("#reprocess-form input[name=agl_m]");
        await Assertions.Expect(agl).ToHaveValueAsync("60"); // the flight's own setting
        await w.NextFlightsPollAsync();
        await agl.FillAsync("75");
        await w.NextFlightsPollAsync(); // polling does not overwrite what is typed
        await Assertions.Expect(agl).ToHaveValueAsync("75");
        await page.Locator("#reprocess").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Reprocessing started");

        var (flight, body) = server.Reprocessed.Last();
        using var json = JsonDocument.Parse(body);
        Assert.Equal((FakeDroneScan.FlightId, "75", "auto"), (flight, json.RootElement.GetProperty("agl_m").GetString(), json.RootElement.GetProperty("model").GetString()));
        Assert.False(json.RootElement.TryGetProperty("conf", out _));
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
        await Assertions.Expect(page.Locator("#flight option")).ToHaveCountAsync(4);
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
        await Assertions.Expect(page.Locator("#ignored li").Nth(1)).ToHaveTextAsync(FakeDroneScan.XssFileName + ".txt: not a photo (JPEG, PNG or TIFF by its extension): not used");
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
        w.AssertClean();
    }

    [Fact]
    public async Task Map_marker_inside_a_photo_footprint_opens_review_for_a_planner()
    {
        // The fake user is a planner: the coverage layer with a footprint over hz-3 is drawn. A real click (no
        // force) lands on the topmost element, so a footprint above the marker would swallow it.
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("map.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("path.hazard-marker")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator(".leaflet-overlay-pane path")).Not.ToHaveCountAsync(0);
        await page.Locator("path.hazard-marker[data-hazard=hz-3]").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"review\.html\?hazard=hz-3"));
        await Assertions.Expect(page.Locator("#hazard-title")).ToContainTextAsync("Hazard point hz-");
        w.AssertClean();
    }

    [Fact]
    public async Task Map_draws_the_near_nadir_photo_in_its_footprint_and_the_oblique_one_as_an_outline()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("map.html?flight=" + FakeDroneScan.FlightId);
        await MapChecks.ReadyAsync(page, FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("path.photo-footprint")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("img.photo-overlay.placed")).ToHaveCountAsync(1); // ph-2 has no corners
        var fit = await MapChecks.OverlaysInFootprintsAsync(page);
        Assert.Equal(["ph-1"], fit.Select(f => f.PhotoId));
        Assert.All(fit, f => Assert.True(f.NaturalWidth > 0 && f.WithinPx <= 2, f.ToString()));
        await Assertions.Expect(page.Locator("path.suggested-area")).ToHaveCountAsync(1);
        // File names are text in the tooltip, never markup.
        Assert.Equal(0, await page.Locator(".leaflet-tooltip b").CountAsync());
        w.AssertClean();
    }

    [Fact]
    public async Task Map_status_filter_and_uncertainty_layers()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("map.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("path.hazard-marker")).ToHaveCountAsync(3);

        // Relative r90 by default (small: it does not hide the points); the absolute (GNSS) one only when asked for.
        await Assertions.Expect(page.Locator("path.r90-relative")).ToHaveCountAsync(3);
        Assert.Equal(0, await page.Locator("path.r90-absolute").CountAsync());
        await page.Locator(".leaflet-control-layers-overlays label", new() { HasText = "Absolute r90" }).Locator("input").CheckAsync();
        await Assertions.Expect(page.Locator("path.r90-absolute")).ToHaveCountAsync(3);
        var radii = await page.EvaluateAsync<double[]>("""
            () => ['path.r90-relative', 'path.r90-absolute'].map((s) => document.querySelector(s).getBoundingClientRect().width)
            """);
        Assert.True(radii[0] < radii[1], $"relative ring {radii[0]} px is not smaller than the absolute {radii[1]} px");

        // The status filter hides points and their circles, and is kept in the address.
        await page.Locator("#status-filter input[value=candidate]").UncheckAsync();
        await Assertions.Expect(page.Locator("path.hazard-marker")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("path.r90-relative")).ToHaveCountAsync(0);
        Assert.Contains("status=", page.Url, StringComparison.Ordinal);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#status-filter input[value=candidate]")).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#counts")).ToContainTextAsync("0 of 3");
        await page.Locator("#status-filter input[value=candidate]").CheckAsync();
        await Assertions.Expect(page.Locator("path.hazard-marker")).ToHaveCountAsync(3);
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

    [Fact]
    public async Task Export_of_several_flights_or_a_whole_site_links_to_one_file()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, server.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("export.html?flight=" + FakeDroneScan.FlightId);
        await page.Locator("#flight").SelectOptionAsync(new[] { FakeDroneScan.FlightId, FakeDroneScan.EmptyFlightId });
        await Assertions.Expect(page.Locator("#flight-state")).ToContainTextAsync("2 flights: 42 photos, 3 hazard points");
        string? href = await page.Locator("#download").GetAttributeAsync("href");
        // In the list's order, newest first.
        Assert.Equal($"api/exports?flights={FakeDroneScan.EmptyFlightId}%2C{FakeDroneScan.FlightId}&format=geojson&layer=points", href);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download").ClickAsync());
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(await download.PathAsync())))
        {
            Assert.Equal(3, doc.RootElement.GetProperty("features").GetArrayLength());
        }

        // Every flight of the site: one of them is still processing, so there is nothing to download yet, and the page says which.
        await page.Locator("#site").SelectOptionAsync("North field");
        await Assertions.Expect(page.Locator("#flight")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#download")).Not.ToHaveAttributeAsync("href", new Regex("."));
        await Assertions.Expect(page.Locator("#flight-state")).ToContainTextAsync(FakeDroneScan.XssName);
        await Assertions.Expect(page.Locator("#flight-state")).ToContainTextAsync("4 flights");

        // Back to chosen flights; the address keeps the choice.
        await page.Locator("#site").SelectOptionAsync("");
        await page.Locator("#flight").SelectOptionAsync(FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#download")).ToHaveAttributeAsync("href", $"api/flights/{FakeDroneScan.FlightId}/hazards?format=geojson&layer=points");
        Assert.Contains("flight=" + FakeDroneScan.FlightId, page.Url, StringComparison.Ordinal);
        w.AssertClean();
    }

    [GeneratedRegex(@"review\.html\?hazard=hz-\d")]
    private static partial Regex HazardUrl();
}
