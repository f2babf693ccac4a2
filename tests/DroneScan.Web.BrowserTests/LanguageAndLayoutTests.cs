using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace DroneScan.Web.BrowserTests;

/// <summary>
/// The pages in Azerbaijani and Russian (no English left but names and codes), the language switch, shortcuts on
/// any keyboard layout, and the layout on a phone (390 × 844) and a tablet (768 × 1024): no sideways scrolling,
/// sign-out reachable, review decisions in reach and big enough to touch. Against <see cref="FakeDroneScan"/>.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class LanguageAndLayoutTests(BrowserFixture browser) : IAsyncLifetime
{
    /// <summary>Words that are the same in every language: product, format and standard names, units, codes.</summary>
    private static readonly HashSet<string> AllowedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "DroneScan", "GeoJSON", "geojson", "KML", "kml", "GPX", "gpx", "CSV", "csv", "Shapefile", "shp", "zip", "GeoPackage", "gpkg",
        "Hangfire", "Leaflet", "IMSMA", "GPS", "GNSS", "GSD", "DEM", "GeoTIFF", "EGM96", "EGM2008", "WGS84", "JPEG", "TIFF", "PNG", "DJI", "Copernicus", "Esc", "API",
        "KiB", "MiB", "GiB",
    };

    /// <summary>What the stand-in service holds (user data: flight, site, people, files, model names), not UI text.</summary>
    private static readonly HashSet<string> DataWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "Demo", "field", "North", "Nothing", "here", "usable", "notes", "not", "bold", "olga", "ana", "dronescan", "rgb", "thermal",
        "DJI_0001", "DJI_0002", "IMG_0099", "JPG", "jpg", "script", "img", "src", "onerror", "alert", "txt", "walk",
    };

    private FakeDroneScan server = null!;

    public async Task InitializeAsync() => server = await FakeDroneScan.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>Every word of the English catalogue that the other language's catalogue does not use itself.</summary>
    private static HashSet<string> EnglishWords(string lang)
    {
        static IEnumerable<string> Words(string file)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Artefacts.WebRoot, "i18n", file)));
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var texts = p.Value.ValueKind == JsonValueKind.Object ? p.Value.EnumerateObject().Select(f => f.Value.GetString()!) : [p.Value.GetString()!];
                foreach (string text in texts)
                {
                    foreach (Match m in Word().Matches(Placeholder().Replace(text, " ")))
                    {
                        yield return m.Value;
                    }
                }
            }
        }

        var own = new HashSet<string>(Words(lang + ".json"), StringComparer.OrdinalIgnoreCase);
        var english = new HashSet<string>(Words("en.json").Where(w => w.Length >= 3 && !own.Contains(w) && !AllowedWords.Contains(w)), StringComparer.OrdinalIgnoreCase);
        return english;
    }

    /// <summary>Every text of the page a person can meet: text nodes (closed dialogs and hidden parts too), titles,
    /// placeholders, labels for screen readers, image descriptions, and the document's title. Left out: key caps,
    /// code (links, ids), example addresses, and the map library's own credit line (a third party's name and title).</summary>
    private static async Task<string[]> PageTextsAsync(IPage page) => await page.EvaluateAsync<string[]>("""
        () => {
          const texts = [document.title];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            if (node.parentElement && !node.parentElement.closest('script, style, kbd, code, .leaflet-control-attribution')) texts.push(node.textContent);
          }
          for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
            if (el.closest('.leaflet-control-attribution')) continue;
            for (const a of ['title', 'placeholder', 'aria-label', 'alt']) if (el.hasAttribute(a)) texts.push(el.getAttribute(a));
          }
          return texts.filter((t) => t && t.trim() && !/^https?:\/\//.test(t.trim()));
        }
        """);

    private static async Task AssertNoEnglishAsync(IPage page, string lang, string where)
    {
        var english = EnglishWords(lang);
        var left = (await PageTextsAsync(page))
            .SelectMany(text => Word().Matches(text).Select(m => (Word: m.Value, Text: text.Trim())))
            .Where(x => english.Contains(x.Word) && !DataWords.Contains(x.Word))
            .Select(x => $"'{x.Word}' in \"{x.Text}\"")
            .Distinct()
            .ToList();
        Assert.True(left.Count == 0, $"{where} ({lang}): English left:\n" + string.Join('\n', left));
        Assert.Equal(lang, await page.EvaluateAsync<string>("() => document.documentElement.lang"));
    }

    private async Task<WatchedPage> OpenAsync(string locale, int width = 1280, int height = 900)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            BaseURL = server.BaseUrl, Locale = locale, ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        return await WatchedPage.WrapAsync(context);
    }

    [Theory]
    [InlineData("az-AZ", "az", "Təhlükə nöqtəsi hz-1", "Təsdiq et", "İcazə yoxdur")]
    [InlineData("ru-RU", "ru", "Точка опасности hz-1", "Подтвердить", "Нет доступа")]
    public async Task Upload_review_export_walk_has_no_English_left(string locale, string lang, string firstPoint, string confirm, string notAllowed)
    {
        await using var w = await OpenAsync(locale);
        var page = w.Page;

        await page.GotoAsync("index.html");
        await Assertions.Expect(page.Locator("#start li")).ToHaveCountAsync(5);
        await AssertNoEnglishAsync(page, lang, "start page");

        await page.GotoAsync("upload.html");
        await Assertions.Expect(page.Locator("#nav .nav-links a")).ToHaveCountAsync(5);
        await page.Locator("#name").FillAsync("walk");
        await page.Locator("#photos").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "a.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xD9] },
            new FilePayload { Name = "b.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xD9] },
        });
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(page.Locator("#ignored li")).ToHaveCountAsync(2);
        await AssertNoEnglishAsync(page, lang, "upload page after an upload");

        await page.GotoAsync("flights.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#problems tbody tr")).ToHaveCountAsync(2);
        await AssertNoEnglishAsync(page, lang, "flights page");

        await page.GotoAsync("review.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#hazard-title")).ToHaveTextAsync(firstPoint);
        await Assertions.Expect(page.Locator("#btn-confirm")).ToContainTextAsync(confirm);
        await page.Locator("#btn-confirm").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("hz-1");
        await page.Locator("#min-conf").FillAsync("0.7");
        await page.Locator("#min-conf").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#bulk-reject")).ToBeEnabledAsync();
        await page.Locator("#bulk-reject").ClickAsync();
        await Assertions.Expect(page.Locator("#bulk-dialog")).ToBeVisibleAsync();
        await AssertNoEnglishAsync(page, lang, "review page with the bulk-reject dialog");
        await page.Keyboard.PressAsync("Escape");

        await page.GotoAsync("export.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#download[href]")).ToHaveCountAsync(1);
        await AssertNoEnglishAsync(page, lang, "export page");

        await page.GotoAsync("map.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("path.hazard-marker")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#counts")).Not.ToBeEmptyAsync();
        await AssertNoEnglishAsync(page, lang, "map page");
        await w.ScreenshotAsync($"lang-{lang}-map.png");

        // A page the user's roles do not open says so in the language too.
        await page.GotoAsync("admin.html");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync(notAllowed);
        await AssertNoEnglishAsync(page, lang, "admin page without the role");
        await w.ScreenshotAsync($"lang-{lang}-admin.png");
        w.AssertClean();
    }

    [Fact]
    public async Task Language_switch_changes_the_page_and_is_remembered()
    {
        await using var w = await OpenAsync("en-GB");
        var page = w.Page;
        await page.GotoAsync("flights.html");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Flights");
        Assert.Equal("en", await page.EvaluateAsync<string>("() => document.documentElement.lang"));

        await page.Locator("#lang-switch").SelectOptionAsync("az");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Uçuşlar");
        Assert.Equal("az", await page.EvaluateAsync<string>("() => document.documentElement.lang"));

        // Another page, no ?lang=: the choice is remembered (a cookie), over the browser's English.
        await page.GotoAsync("export.html");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("İxrac");
        await Assertions.Expect(page.Locator("#lang-switch")).ToHaveValueAsync("az");
        w.AssertClean();
    }

    [Fact]
    public async Task Plurals_and_numbers_follow_the_language()
    {
        await using var w = await OpenAsync("ru-RU");
        var page = w.Page;
        await page.GotoAsync("upload.html");
        await Assertions.Expect(page.Locator("#nav .nav-links a")).ToHaveCountAsync(5);

        async Task<string> Selection(int files, int bytes = 1536)
        {
            var payloads = Enumerable.Range(0, files).Select(i => new FilePayload { Name = $"p{i}.jpg", MimeType = "image/jpeg", Buffer = new byte[bytes] });
            await page.Locator("#photos").SetInputFilesAsync(payloads);
            return (await page.Locator("#selection").TextContentAsync())!;
        }

        Assert.StartsWith("1 файл,", await Selection(1), StringComparison.Ordinal);
        Assert.StartsWith("3 файла,", await Selection(3), StringComparison.Ordinal);
        Assert.StartsWith("5 файлов,", await Selection(5), StringComparison.Ordinal);
        Assert.StartsWith("21 файл,", await Selection(21), StringComparison.Ordinal);
        Assert.Contains("1,5 МиБ", await Selection(1, 3 << 19), StringComparison.Ordinal); // decimal comma in Russian
        w.AssertClean();
    }

    [Fact]
    public async Task Review_shortcuts_work_by_key_position_on_a_Russian_layout()
    {
        await using var w = await OpenAsync("ru-RU");
        var page = w.Page;
        await page.GotoAsync("review.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#hazard-title")).ToContainTextAsync("hz-1");

        // The key marked C on a Russian keyboard types "с" (Cyrillic): its code is still KeyC.
        await page.EvaluateAsync("() => document.dispatchEvent(new KeyboardEvent('keydown', { key: 'с', code: 'KeyC', bubbles: true }))");
        await Assertions.Expect(page.Locator("#hazard-title")).ToContainTextAsync("hz-2");
        Assert.Contains(server.Decisions, d => d is { HazardId: "hz-1", Decision: "confirm" });

        // Key caps on the page stay the Latin letters.
        await Assertions.Expect(page.Locator("#btn-confirm kbd")).ToHaveTextAsync("C");
        w.AssertClean();
    }

    public static TheoryData<string, int, int> PagesAndScreens()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var (width, height) in new[] { (390, 844), (768, 1024) })
        {
            foreach (string page in new[] { "index.html", "upload.html", "flights.html?flight=" + FakeDroneScan.FlightId, "review.html?flight=" + FakeDroneScan.FlightId, "map.html", "export.html", "admin.html" })
            {
                data.Add(page, width, height);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PagesAndScreens))]
    public async Task Page_fits_the_screen_without_sideways_scrolling(string url, int width, int height)
    {
        // Russian: the longest words of the three languages.
        await using var w = await OpenAsync("ru-RU", width, height);
        var page = w.Page;
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#sign-out")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        string name = Path.GetFileNameWithoutExtension(url.Split('?')[0]);
        await w.ScreenshotAsync($"screen-{width}-{name}.png");

        var sizes = await page.EvaluateAsync<JsonElement>("() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth })");
        Assert.True(
            sizes.GetProperty("scroll").GetInt32() <= sizes.GetProperty("inner").GetInt32(),
            $"{url} at {width} px: the page is {sizes.GetProperty("scroll").GetInt32()} px wide");

        // Sign-out is on the screen (the navigation wraps) and big enough to touch.
        var signOut = await page.Locator("#sign-out").BoundingBoxAsync();
        Assert.NotNull(signOut);
        Assert.True(signOut.X >= 0 && signOut.X + signOut.Width <= width, $"sign-out at x {signOut.X}..{signOut.X + signOut.Width}");
        Assert.True(signOut.Height >= 44, $"sign-out is {signOut.Height} px high");
        w.AssertClean();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(768, 1024)]
    public async Task Review_decisions_stay_in_reach_and_are_big_enough_to_touch(int width, int height)
    {
        await using var w = await OpenAsync("az-AZ", width, height);
        var page = w.Page;
        await page.GotoAsync("review.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#chips img")).ToHaveCountAsync(2);

        string[] buttons = ["#btn-confirm", "#btn-reject", "#btn-unsure", "#btn-reclassify", "#btn-prev", "#btn-next"];
        async Task AssertInReachAsync(string when)
        {
            foreach (string id in buttons)
            {
                var box = await page.Locator(id).BoundingBoxAsync();
                Assert.NotNull(box);
                Assert.True(box.Y >= 0 && box.Y + box.Height <= height && box.X >= 0 && box.X + box.Width <= width, $"{id} {when}: at {box.X},{box.Y} {box.Width}×{box.Height}");
                Assert.True(box.Height >= 44 && box.Width >= 44, $"{id}: {box.Width}×{box.Height} px, under 44 px");
            }
        }

        // Without scrolling, and still after scrolling to the end of the page (history, queue).
        await AssertInReachAsync("on opening");
        await page.EvaluateAsync("() => window.scrollTo(0, document.scrollingElement.scrollHeight)");
        await page.WaitForFunctionAsync("() => window.scrollY > 0 || document.scrollingElement.scrollHeight <= window.innerHeight");
        await AssertInReachAsync("at the end of the page");
        await w.ScreenshotAsync($"review-{width}-bottom.png");

        // Other touch targets: navigation links, the language switch, filter fields.
        foreach (string selector in new[] { "#nav .nav-links a", "#lang-switch", "#flight", "#status", "#help-button", "#comment" })
        {
            foreach (var box in await Task.WhenAll((await page.Locator(selector).AllAsync()).Select(l => l.BoundingBoxAsync())))
            {
                Assert.NotNull(box);
                Assert.True(box.Height >= 44, $"{selector}: {box.Height} px high");
            }
        }

        // The chips swipe sideways (scroll snapping) instead of stacking.
        var chips = await page.EvaluateAsync<JsonElement>("() => { const s = getComputedStyle(document.getElementById('chips')); return { overflow: s.overflowX, snap: s.scrollSnapType, wrap: s.flexWrap }; }");
        Assert.Equal("auto", chips.GetProperty("overflow").GetString());
        Assert.StartsWith("x", chips.GetProperty("snap").GetString(), StringComparison.Ordinal);
        Assert.Equal("nowrap", chips.GetProperty("wrap").GetString());
        w.AssertClean();
    }

    [Fact]
    public async Task A_chip_opens_a_larger_view_of_the_photo_around_the_box()
    {
        await using var w = await OpenAsync("en-GB", 390, 844);
        var page = w.Page;
        await page.GotoAsync("review.html?flight=" + FakeDroneScan.FlightId);
        await Assertions.Expect(page.Locator("#chips img")).ToHaveCountAsync(2);

        await page.Locator("#chips button.chip-open").First.ClickAsync();

        var dialog = page.Locator("#chip-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator("h2")).ToHaveTextAsync("DJI_0001.JPG");
        var large = dialog.Locator("#chip-large img");
        await Assertions.Expect(large).ToHaveAttributeAsync("src", new Regex("pad=480"));
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#chip-large img'); return i && i.complete && i.naturalWidth > 0; }");
        var box = await large.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width > 260 && box.X >= 0 && box.X + box.Width <= 390, $"larger view: {box.Width} px wide at x {box.X}");
        await w.ScreenshotAsync("review-390-chip.png");

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        w.AssertClean();
    }

    /// <summary>A word; ids and codes joined by hyphens (fl-new, done-with-problems) count as one.</summary>
    [GeneratedRegex(@"\p{L}[\p{L}\p{N}'’_-]*")]
    private static partial Regex Word();

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex Placeholder();
}
