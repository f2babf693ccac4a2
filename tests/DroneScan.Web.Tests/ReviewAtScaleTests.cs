using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Web.Auth;
using DroneScan.Web.Files;
using SixLabors.ImageSharp;

namespace DroneScan.Web.Tests;

/// <summary>The paged review queue and chips cut from a photo's tile file.</summary>
[Collection(ServiceGroup.Name)]
public sealed class ReviewAtScaleTests(ServiceFixture service)
{
    [Fact]
    public async Task QueuePages_FollowedByTheirCursor_GiveTheWholeListInOrder_AndTheFirstCountsIt()
    {
        using var client = service.Client(Roles.Analyst);
        var whole = await client.GetFromJsonAsync<JsonElement[]>($"/api/hazards?flight={service.DemoFlightId}");

        var paged = new List<string>();
        int? total = null;
        string url = $"/api/hazards/queue?flight={service.DemoFlightId}&status=any&limit=4";
        for (string? next = null; ;)
        {
            var page = await client.GetFromJsonAsync<JsonElement>(url + (next is null ? "" : "&after=" + Uri.EscapeDataString(next)));
            if (next is null)
            {
                total = page.GetProperty("total").GetInt32();
            }

            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 4);
            Assert.All(items, i => Assert.Equal(JsonValueKind.Null, i.GetProperty("observations").ValueKind));
            paged.AddRange(items.Select(i => i.GetProperty("id").GetString()!));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            next = page.GetProperty("next").GetString();
        }

        Assert.Equal(whole!.Select(h => h.GetProperty("id").GetString()), paged);
        Assert.Equal(whole!.Length, total);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("order=sideways", "order")]
    [InlineData("min=2", "min")]
    [InlineData("after=nonsense", "after")]
    public async Task Queue_RefusesBadParameters_NamingThem(string query, string field)
    {
        using var client = service.Client(Roles.Analyst);
        using var response = await client.GetAsync("/api/hazards/queue?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chips_AfterThePhotosFirst_AreCutFromItsTileFile_AndLookTheSame()
    {
        using var client = service.Client(Roles.Analyst);
        var store = service.Get<IFlightStore>();
        var point = store.GetHazards(service.DemoFlightId)[2].Point;
        var o = point.Observations[0];
        string url = $"/api/photos/{o.PhotoId}/chip?flight={service.DemoFlightId}&x1={o.Box.X1}&y1={o.Box.Y1}&x2={o.Box.X2}&y2={o.Box.Y2}";
        var chips = service.Get<PhotoChips>();
        string tiles = chips.TilePath(service.DemoFlightId, o.PhotoId);

        var first = await client.GetByteArrayAsync(url);
        await chips.Written(service.DemoFlightId, o.PhotoId);
        Assert.True(File.Exists(tiles), "the photo's first chip leaves its tile file");
        var second = await client.GetByteArrayAsync(url);

        using var a = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(first);
        using var b = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(second);
        Assert.Equal(a.Size(), b.Size());
        double difference = 0;
        for (int y = 0; y < a.Height; y++)
        {
            for (int x = 0; x < a.Width; x++)
            {
                difference += Math.Abs(a[x, y].R - b[x, y].R) + Math.Abs(a[x, y].G - b[x, y].G) + Math.Abs(a[x, y].B - b[x, y].B);
            }
        }

        Assert.True(difference / (3.0 * a.Width * a.Height) < 4, "the tiles are JPEG at quality 92: a few levels apart at most");
    }
}
