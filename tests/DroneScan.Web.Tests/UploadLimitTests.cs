using System.Net.Http.Headers;
using DroneScan.Web.Files;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Http;

namespace DroneScan.Web.Tests;

/// <summary>
/// The upload limits, exercised on the reader itself with small limits (the running service's limits are in
/// the gigabytes): too many photos, a zip with too many entries, and a zip bomb whose entries expand far beyond
/// what they take in the request. Each is refused with a message naming the limit, and no file is left behind.
/// </summary>
public sealed class UploadLimitTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "dronescan-upload-limits", Guid.NewGuid().ToString("N"));

    private static byte[] Photo => File.ReadAllBytes(Path.Combine(TestPaths.DemoFlight, "IMG_0001.jpg"));

    public void Dispose()
    {
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task MorePhotosThanTheLimit_AreRefused()
    {
        // Three different photos (a byte after the end-of-image marker makes each its own content).
        var request = Multipart(Enumerable.Range(0, 3).Select(i => ($"p{i}.jpg", (byte[])[.. Photo, (byte)i])));

        var ex = await Assert.ThrowsAsync<UploadRejectedException>(() => Reader(new UploadOptions { MaxPhotos = 2 }).ReadAsync(request, "fl-0123456789ab", CancellationToken.None));

        Assert.Contains("more than 2 photos", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZipWithTooManyEntries_IsRefused()
    {
        var zip = ServiceFixture.Zip(Enumerable.Range(0, 5).Select(i => ($"p{i}.jpg", Photo)));
        var request = Multipart([("flight.zip", zip)]);

        var ex = await Assert.ThrowsAsync<UploadRejectedException>(() => Reader(new UploadOptions { MaxZipEntries = 3 }).ReadAsync(request, "fl-0123456789ab", CancellationToken.None));

        Assert.Contains("at most 3 are allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZipBomb_IsRefused_AndLeavesNothing()
    {
        // 64 MB of zeros compresses to ~64 kB: far over a 1 MB expansion limit.
        var zip = ServiceFixture.Zip([("bomb.jpg", new byte[64 << 20])]);
        Assert.True(zip.Length < 1 << 20);
        var request = Multipart([("flight.zip", zip)]);

        var ex = await Assert.ThrowsAsync<UploadRejectedException>(() => Reader(new UploadOptions { MaxZipUncompressedBytes = 1 << 20 }).ReadAsync(request, "fl-0123456789ab", CancellationToken.None));

        Assert.Contains("expands to", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(dataDir, "*", SearchOption.AllDirectories), f => new FileInfo(f).Length > 1 << 20);
    }

    private FlightUploadReader Reader(UploadOptions limits) => new(new FlightFolders(dataDir), limits);

    /// <summary>A multipart/form-data request as a browser sends it: a name field and the files.</summary>
    private static HttpRequest Multipart(IEnumerable<(string Name, byte[] Bytes)> files)
    {
        using var content = new MultipartFormDataContent { { new StringContent("limits"), "name" } };
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "photos", name);
        }

        var body = new MemoryStream();
        content.CopyTo(body, null, CancellationToken.None);
        body.Position = 0;
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = content.Headers.ContentType!.ToString();
        context.Request.Body = body;
        return context.Request;
    }
}
