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

    [Fact]
    public async Task ALongTextField_IsRefused_WithoutReadingItToTheEnd()
    {
        // Regression: a field was read to its end before its length was checked, so a client could make the
        // service hold gigabytes of "notes" in memory.
        var request = Multipart([("p.jpg", Photo)], notes: new string('n', 20 << 20));
        var body = new CountingStream(request.Body);
        request.Body = body;

        var ex = await Assert.ThrowsAsync<UploadRejectedException>(() => Reader(new UploadOptions()).ReadAsync(request, "fl-0123456789ab", CancellationToken.None));

        Assert.Contains("field 'notes' is longer than 4000 characters", ex.Message, StringComparison.Ordinal);
        Assert.InRange(body.BytesRead, 4000, 1 << 20);
    }

    private FlightUploadReader Reader(UploadOptions limits) => new(new FlightFolders(dataDir), limits);

    /// <summary>Counts what the reader takes from the request body.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            BytesRead += n;
            return n;
        }
    }

    /// <summary>A multipart/form-data request as a browser sends it: a name field and the files.</summary>
    private static HttpRequest Multipart(IEnumerable<(string Name, byte[] Bytes)> files, string? notes = null)
    {
        using var content = new MultipartFormDataContent { { new StringContent("limits"), "name" } };
        if (notes is not null)
        {
            content.Add(new StringContent(notes), "notes");
        }

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
