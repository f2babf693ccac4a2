using Microsoft.Playwright;

namespace DroneScan.Web.BrowserTests;

/// <summary>Checks of map.html shared by the smoke and end-to-end tests.</summary>
public static class MapChecks
{
    /// <summary>One drawn photo: its image's size as decoded and how far (px, on screen) the warped image's box lies
    /// from its footprint outline's box (0: the same box; an image outside its footprint gives tens or hundreds).</summary>
    public sealed record OverlayFit
    {
        public string PhotoId { get; init; } = "";

        public int NaturalWidth { get; init; }

        public double WithinPx { get; init; }
    }

    /// <summary>Waits until map.html has drawn the flight's layers and set its view (body[data-map-ready]).</summary>
    public static Task ReadyAsync(IPage page, string flightId, float timeoutMs = 60_000) =>
        Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-map-ready", flightId, new() { Timeout = timeoutMs });

    /// <summary>Every placed photo overlay (img.photo-overlay) with its footprint (path.photo-footprint of the same
    /// data-photo). The image is warped to the footprint's corners, so the two screen boxes coincide.</summary>
    public static async Task<IReadOnlyList<OverlayFit>> OverlaysInFootprintsAsync(IPage page) =>
        await page.EvaluateAsync<OverlayFit[]>("""
            () => [...document.querySelectorAll('img.photo-overlay.placed')].map((img) => {
              const outline = document.querySelector(`path.photo-footprint[data-photo="${img.dataset.photo}"]`);
              const a = img.getBoundingClientRect();
              const b = outline ? outline.getBoundingClientRect() : { left: 1e9, top: 1e9, right: 1e9, bottom: 1e9 };
              const within = Math.max(Math.abs(a.left - b.left), Math.abs(a.top - b.top), Math.abs(a.right - b.right), Math.abs(a.bottom - b.bottom));
              return { photoId: img.dataset.photo, naturalWidth: img.naturalWidth, withinPx: within };
            })
            """);
}
