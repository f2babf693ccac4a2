using Microsoft.Playwright;

namespace DroneScan.Web.BrowserTests;

/// <summary>
/// One headless chromium for the test run: the Debian package's <c>/usr/bin/chromium</c> (never a downloaded
/// browser). <c>DRONESCAN_CHROMIUM</c> names another executable.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("DRONESCAN_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} not found: install the Debian package chromium (.ci/run does).");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>A page that records what must not happen: console errors, uncaught exceptions, dialogs (alert …).</summary>
public sealed class WatchedPage : IAsyncDisposable
{
    private readonly IBrowserContext context;

    private WatchedPage(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                lock (Errors)
                {
                    Errors.Add($"console: {m.Text} ({m.Location})");
                }
            }
        };
        page.PageError += (_, e) =>
        {
            lock (Errors)
            {
                Errors.Add("page error: " + e);
            }
        };
        page.Dialog += async (_, d) =>
        {
            lock (Dialogs)
            {
                Dialogs.Add($"{d.Type}: {d.Message}");
            }

            await d.DismissAsync();
        };
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public List<string> Dialogs { get; } = [];

    /// <summary>The page's browser context (its routes, cookies).</summary>
    public IBrowserContext Context => context;

    public static async Task<WatchedPage> OpenAsync(IBrowser browser, string baseUrl, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true });
        context.SetDefaultTimeout(15_000);
        return new WatchedPage(context, await context.NewPageAsync());
    }

    /// <summary>A watched page in a context the caller set up (its viewport, locale …); disposing it closes the context.</summary>
    public static async Task<WatchedPage> WrapAsync(IBrowserContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new WatchedPage(context, await context.NewPageAsync());
    }

    /// <summary>Saves a full-page screenshot under the screenshots folder with a stable name.</summary>
    public Task ScreenshotAsync(string name) => Page.ScreenshotAsync(new() { Path = Path.Combine(Artefacts.ScreenshotDir, name), FullPage = true });

    /// <summary>Waits until flights.html has drawn one whole poll that began after this call: its "updated …" line is
    /// written at the end of each successful poll (after the list and the selected flight are drawn), and the second
    /// such write after now ends a poll that started after the first.</summary>
    public Task NextFlightsPollAsync() => Page.EvaluateAsync("""
        () => new Promise((resolve) => {
          let writes = 0;
          new MutationObserver((records, observer) => {
            writes += records.length;
            if (writes >= 2) {
              observer.disconnect();
              resolve();
            }
          }).observe(document.getElementById('updated'), { childList: true });
        })
        """).WaitAsync(TimeSpan.FromSeconds(15));

    public void AssertClean()
    {
        Assert.True(Errors.Count == 0, "browser errors:\n" + string.Join('\n', Errors));
        Assert.True(Dialogs.Count == 0, "dialogs fired:\n" + string.Join('\n', Dialogs));
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}

/// <summary>Where things are: the repository, the UI's files, the screenshots.</summary>
public static class Artefacts
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string WebRoot => Path.Combine(RepoRoot, "src", "DroneScan.Web", "wwwroot");

    /// <summary>The test base map over the demo flight (made by <c>tools/fixtures/make-basemap-mbtiles.sh</c>).</summary>
    public static string BaseMap => Path.Combine(RepoRoot, "tests", "Shared", "Fixtures", "demo-area.mbtiles");

    /// <summary><c>DRONESCAN_SCREENSHOTS</c>, else <c>TestResults/screenshots</c> at the repository root.</summary>
    public static string ScreenshotDir
    {
        get
        {
            string dir = Environment.GetEnvironmentVariable("DRONESCAN_SCREENSHOTS") is { Length: > 0 } d ? d : Path.Combine(RepoRoot, "TestResults", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DroneScan.sln not found above " + AppContext.BaseDirectory);
    }
}
