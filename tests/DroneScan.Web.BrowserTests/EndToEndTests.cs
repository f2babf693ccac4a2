using System.Text.Json;
using System.Text.RegularExpressions;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DroneScan.Web.BrowserTests;

/// <summary>
/// The real service for the end-to-end browser tests: Kestrel on 127.0.0.1 (ephemeral port), SQLite in a temp
/// folder, in-process Hangfire, the test base map (<c>tests/Shared/Fixtures/demo-area.mbtiles</c>, over the demo
/// flight), and one user with the operator, analyst and planner roles.
/// </summary>
public sealed class LiveServiceFixture : IAsyncLifetime
{
    public const string User = "ana";

    public string DataDir { get; } = Directory.CreateTempSubdirectory("dronescan-ui-test-").FullName;

    public WebApplication App { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public string Password { get; private set; } = "";

    /// <summary>The user's API token (for uploads made without the pages).</summary>
    public string Token { get; private set; } = "";

    private readonly Lock demoGate = new();
    private Task<string>? demoFlight;

    public async Task InitializeAsync()
    {
        string model = Path.Combine(Artefacts.RepoRoot, "models", "dronescan-rgb.onnx");
        App = DroneScanWebApp.Build(new HostSettings { Urls = "http://127.0.0.1:0", DataDir = DataDir, ModelPath = model, Workers = 2, BaseMapFile = Artefacts.BaseMap });
        await App.StartAsync();
        BaseUrl = App.Urls.First().TrimEnd('/') + "/";
        var created = App.Services.GetRequiredService<UserAdmin>().Create(User, [Roles.Operator, Roles.Analyst, Roles.Planner]);
        Password = created.Password;
        Token = created.Token;
    }

    /// <summary>The demo flight uploaded through the API (not the pages) and processed, once for the tests that need it.</summary>
    public Task<string> DemoFlightAsync(TimeSpan timeout)
    {
        lock (demoGate)
        {
            return demoFlight ??= UploadDemoFlightAsync(timeout);
        }
    }

    private async Task<string> UploadDemoFlightAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        using var form = new MultipartFormDataContent { { new StringContent("Demo flight (map)"), "name" } };
        foreach (var file in Directory.GetFiles(Path.Combine(Artefacts.RepoRoot, "data-samples", "demo-flight"), "*.jpg").Order(StringComparer.Ordinal))
        {
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(file)), "photos", Path.GetFileName(file));
        }

        using var created = await client.PostAsync("api/flights", form);
        string body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        string id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var flight = JsonDocument.Parse(await client.GetStringAsync($"api/flights/{id}"));
            string status = flight.RootElement.GetProperty("status").GetString()!;
            if (status is "done" or "done-with-problems" or "failed")
            {
                Assert.Equal("done", status);
                return id;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the demo flight is still '{status}' after {timeout}");
            }

            await Task.Delay(500);
        }
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Hangfire's SQLite file may still be held for a moment: a leftover temp folder is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LiveServiceGroup : ICollectionFixture<LiveServiceFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "live service";
}

/// <summary>The pages against the real service: sign in, upload the demo flight, follow it, review, export, map.</summary>
[Collection(LiveServiceGroup.Name)]
public sealed partial class EndToEndTests(LiveServiceFixture service, BrowserFixture browser)
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Operator_analyst_planner_journey_through_the_pages()
    {
        await using var w = await WatchedPage.OpenAsync(browser.Browser, service.BaseUrl);
        var page = w.Page;

        // Pages need a session: the browser lands on the login page and comes back after signing in.
        await page.GotoAsync("upload.html");
        await page.WaitForURLAsync(LoginUrl());
        await w.ScreenshotAsync("login.png");
        await SignInAsync(page);
        await page.WaitForURLAsync(UploadUrl());
        await Assertions.Expect(page.Locator("#user-name")).ToHaveTextAsync(LiveServiceFixture.User);
        await Assertions.Expect(page.Locator("#nav .nav-links a")).ToHaveCountAsync(5);

        // Upload the demo flight with per-file progress.
        string[] photos = Directory.GetFiles(Path.Combine(Artefacts.RepoRoot, "data-samples", "demo-flight"), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        await page.Locator("#name").FillAsync("Demo flight");
        await page.Locator("#site").FillAsync("Test range");
        await page.Locator("#photos").SetInputFilesAsync(photos);
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("#file-list li")).ToHaveCountAsync(photos.Length);
        await Assertions.Expect(page.Locator("#result-text")).ToContainTextAsync($"{photos.Length} photos queued");
        await w.ScreenshotAsync("upload.png");

        // Follow processing until done.
        await page.Locator("#follow").ClickAsync();
        await page.WaitForURLAsync(FlightUrl());
        string flightId = new Uri(page.Url).Query.Split("flight=")[1];
        await Assertions.Expect(page.Locator("#detail-status .badge")).ToHaveTextAsync("done", new() { Timeout = (float)Processing.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#detail-status")).ToContainTextAsync($"{photos.Length} of {photos.Length} photos processed");
        await w.ScreenshotAsync("flights.png");

        // Review: the first point of the queue, confirmed with the keyboard.
        await page.Locator("#review-link").ClickAsync();
        await Assertions.Expect(page.Locator("#hazard-title")).ToContainTextAsync("Hazard point ");
        await Assertions.Expect(page.Locator("#chips img").First).ToBeVisibleAsync();
        // Visible is not loaded: wait (bounded) until the first chip has decoded pixels; a broken chip never does.
        await page.WaitForFunctionAsync(
            "() => { const img = document.querySelector('#chips img'); return img !== null && img.complete && img.naturalWidth > 0; }",
            null,
            new() { Timeout = 30_000 });
        string hazardId = (await page.Locator("#hazard-title").InnerTextAsync()).Replace("Hazard point ", "", StringComparison.Ordinal).Trim();
        await page.Keyboard.PressAsync("c");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync($"Confirmed {hazardId}");
        await page.GotoAsync($"review.html?hazard={hazardId}");
        await Assertions.Expect(page.Locator("#hazard-title")).ToHaveTextAsync($"Hazard point {hazardId}");
        await Assertions.Expect(page.Locator("#hazard-status")).ToHaveTextAsync("confirmed");
        await Assertions.Expect(page.Locator("#history li").First).ToContainTextAsync("confirm");
        await Assertions.Expect(page.Locator("#history li").First).ToContainTextAsync(LiveServiceFixture.User);
        await w.ScreenshotAsync("review.png");

        // Export GeoJSON.
        await page.GotoAsync($"export.html?flight={flightId}");
        await page.Locator("#format").SelectOptionAsync("geojson");
        await Assertions.Expect(page.Locator("#download")).ToHaveAttributeAsync("href", new Regex("format=geojson"));
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download").ClickAsync());
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(await download.PathAsync())))
        {
            Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
            Assert.True(doc.RootElement.GetProperty("features").GetArrayLength() > 0, "the GeoJSON export has no features");
        }

        await w.ScreenshotAsync("export.png");

        // Map: the points, one of them confirmed (red).
        await page.GotoAsync($"map.html?flight={flightId}");
        await Assertions.Expect(page.Locator("path.hazard-marker.status-confirmed")).ToHaveCountAsync(1);
        Assert.True(await page.Locator("path.hazard-marker").CountAsync() > 0);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await w.ScreenshotAsync("map.png");
        w.AssertClean();
    }

    [Fact]
    public async Task Map_shows_the_demo_flight_photos_in_place_over_the_offline_base_map_with_the_network_cut_off()
    {
        string flightId = await service.DemoFlightAsync(Processing);
        var origin = new Uri(service.BaseUrl);
        foreach (var (width, height, screenshot) in new[] { (1280, 900, "map-photos.png"), (390, 844, "map-photos-phone.png") })
        {
            await using var w = await WatchedPage.OpenAsync(browser.Browser, service.BaseUrl, width, height);
            // The network is cut off: every request that is not to the DroneScan server is refused and recorded.
            var elsewhere = new System.Collections.Concurrent.ConcurrentQueue<string>();
            await w.Context.RouteAsync("**/*", async route =>
            {
                var url = new Uri(route.Request.Url);
                if (url.Scheme == origin.Scheme && url.Authority == origin.Authority)
                {
                    await route.ContinueAsync();
                }
                else
                {
                    elsewhere.Enqueue(route.Request.Url);
                    await route.AbortAsync();
                }
            });
            var page = w.Page;
            await page.GotoAsync("login");
            await SignInAsync(page);
            await page.GotoAsync($"map.html?flight={flightId}");

            // All 18 photos drawn: each reduced copy decoded (naturalWidth > 0) and warped onto its footprint.
            await MapChecks.ReadyAsync(page, flightId);
            await Assertions.Expect(page.Locator("path.photo-footprint")).ToHaveCountAsync(18);
            await Assertions.Expect(page.Locator("img.photo-overlay.placed")).ToHaveCountAsync(18, new() { Timeout = 120_000 });
            var fit = await MapChecks.OverlaysInFootprintsAsync(page);
            Assert.Equal(18, fit.Select(f => f.PhotoId).Distinct().Count());
            Assert.All(fit, f => Assert.True(f.NaturalWidth is > 0 and <= 1024 && f.WithinPx <= 2, f.ToString()));

            // The offline base map: tiles from the service itself, loaded.
            await Assertions.Expect(page.Locator(".base-map img.leaflet-tile-loaded").First).ToBeAttachedAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("path.hazard-marker").First).ToBeAttachedAsync();
            await Assertions.Expect(page.Locator("path.suggested-area").First).ToBeAttachedAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await w.ScreenshotAsync(screenshot);
            // The map's own part of the page fits the width (the navigation bar is the page header's, not the map's).
            string wide = await page.EvaluateAsync<string>("""
                () => [...document.querySelectorAll('main, main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5
                    && !e.closest('.leaflet-map-pane')).map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).join(', ')
                """);
            Assert.True(wide.Length == 0, $"wider than {width} px: {wide}");
            Assert.True(elsewhere.IsEmpty, "requests that left the server: " + string.Join(", ", elsewhere));
            w.AssertClean();
        }
    }

    [Fact]
    public async Task Flight_named_with_markup_is_shown_as_text()
    {
        const string name = "<img src=x onerror=alert(1)>";
        await using var w = await WatchedPage.OpenAsync(browser.Browser, service.BaseUrl);
        var page = w.Page;
        await page.GotoAsync("login");
        await SignInAsync(page);
        await page.GotoAsync("upload.html");
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#notes").FillAsync("<script>alert(2)</script>");
        // A file name the service accepts (no < > " in it) but that would be an attribute if pasted into markup.
        const string fileName = "x' onerror='alert(3)' data-x='.jpg";
        var photo = Path.Combine(Artefacts.RepoRoot, "data-samples", "demo-flight", "IMG_0001.jpg");
        await page.Locator("#photos").SetInputFilesAsync(
            [new FilePayload { Name = "IMG_0001.jpg", MimeType = "image/jpeg", Buffer = await File.ReadAllBytesAsync(photo) },
             new FilePayload { Name = fileName, MimeType = "image/jpeg", Buffer = "not a photo"u8.ToArray() }]);
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.Locator("#follow").ClickAsync();
        await Assertions.Expect(page.Locator("#detail-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("#detail-notes")).ToHaveTextAsync("<script>alert(2)</script>");
        await Assertions.Expect(page.Locator("#flights")).ToContainTextAsync(name);
        await Assertions.Expect(page.Locator("#problems")).ToContainTextAsync(fileName, new() { Timeout = 60_000 });
        await w.NextFlightsPollAsync(); // a poll later
        Assert.Equal(0, await page.Locator("main img, main script, [onerror]").CountAsync());
        await w.ScreenshotAsync("xss.png");
        w.AssertClean();

        // Sign-out is a form post that carries the antiforgery token.
        await page.Locator("form.signout button").ClickAsync();
        await page.WaitForURLAsync(LoginPage());
        await page.GotoAsync("flights.html");
        await page.WaitForURLAsync(LoginUrl());
        w.AssertClean();
    }

    private async Task SignInAsync(IPage page)
    {
        await page.Locator("input[name=name]").FillAsync(LiveServiceFixture.User);
        await page.Locator("input[name=password]").FillAsync(service.Password);
        await page.Locator("form[action='/login'] button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync();
    }

    [GeneratedRegex(@"/login\?")]
    private static partial Regex LoginUrl();

    [GeneratedRegex(@"/login$")]
    private static partial Regex LoginPage();

    [GeneratedRegex(@"/upload\.html$")]
    private static partial Regex UploadUrl();

    [GeneratedRegex(@"/flights\.html\?flight=")]
    private static partial Regex FlightUrl();
}
