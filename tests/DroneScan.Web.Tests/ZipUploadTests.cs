using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Tests;

/// <summary>
/// Hostile and awkward uploads through the API: every one is answered with a clear 400/413 naming the entry (or a
/// 201 listing the files not used, with reasons), and the data folder is checked afterwards: nothing was written
/// outside a flight's folder, and a refused upload left nothing at all.
/// </summary>
[Collection(ServiceGroup.Name)]
public sealed class ZipUploadTests(ServiceFixture service)
{
    private static byte[] Photo(int n = 1) => File.ReadAllBytes(Path.Combine(TestPaths.DemoFlight, $"IMG_{n:D4}.jpg"));

    public static TheoryData<string, string> HostileEntries => new()
    {
        { "..\\evil.jpg", "outside the flight folder" },
        { "photos\\..\\..\\evil.jpg", "outside the flight folder" },
        { "ok/../../../evil.jpg", "outside the flight folder" },
        { "/etc/cron.d/evil.jpg", "absolute path" },
        { "\\evil.jpg", "absolute path" },
        { "a/./evil.jpg", "empty path segment" },
        { "a//evil.jpg", "empty path segment" },
        { "evil<script>.jpg", "control character" },
        { "evil\u0000.jpg", "control character" },
    };

    [Theory]
    [MemberData(nameof(HostileEntries))]
    public async Task AHostileZipEntry_Is400NamingIt_AndLeavesNothing(string entry, string reason)
    {
        using var client = service.Client(Roles.Operator);
        var before = DataTree();

        using var response = await ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip([("ok.jpg", Photo()), (entry, Photo(2))]), "hostile");

        string detail = await ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains($"zip entry '{entry}'", detail, StringComparison.Ordinal);
        Assert.Contains(reason, detail, StringComparison.Ordinal);
        AssertNothingWritten(before);
    }

    [Theory]
    [InlineData("../evil.jpg")]
    [InlineData("/tmp/evil.jpg")]
    [InlineData("day1/../../evil.jpg")]
    public async Task AHostileFileName_Is400NamingIt_AndLeavesNothing(string name)
    {
        using var client = service.Client(Roles.Operator);
        var before = DataTree();
        using var form = new MultipartFormDataContent { { new StringContent("hostile"), "name" } };
        form.Add(new ByteArrayContent(Photo()), "photos", "ok.jpg");
        form.Add(new ByteArrayContent(Photo(2)), "photos", name);

        using var response = await client.PostAsync("/api/flights", form);

        Assert.Contains($"file '{name}'", await ProblemDetailAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        AssertNothingWritten(before);
    }

    [Fact]
    public async Task ASymlinkEntryForAFolder_Is400_AndNothingIsWrittenThroughIt()
    {
        using var client = service.Client(Roles.Operator);
        var before = DataTree();
        var zip = ServiceFixture.Zip(
            [("day1", "/etc"u8.ToArray()), ("day1/evil.jpg", Photo())],
            e => e.ExternalAttributes = e.FullName == "day1" ? unchecked((int)(0xA1FFu << 16)) : 0);

        using var response = await ServiceFixture.UploadZipAsync(client, zip, "symlink-folder");

        Assert.Contains("zip entry 'day1': symbolic links are not allowed", await ProblemDetailAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        AssertNothingWritten(before);
    }

    [Fact]
    public async Task AZipBomb_Is400_AndLeavesNothing()
    {
        using var client = service.Client(Roles.Operator);
        var before = DataTree();
        // 64 MB of zeros in ~64 kB; the service's limit lowered to 8 MB for this test (its real one is 16 GB).
        var zip = ServiceFixture.Zip([("ok.jpg", Photo()), ("bomb.jpg", new byte[64 << 20])]);

        using var response = await WithLimitsAsync(o => o.MaxZipUncompressedBytes = 8 << 20, () => ServiceFixture.UploadZipAsync(client, zip, "bomb"));

        Assert.Contains("expands to", await ProblemDetailAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        AssertNothingWritten(before);
    }

    [Fact]
    public async Task AnUploadOverTheRequestLimit_Is413_AndLeavesNothing()
    {
        using var client = service.Client(Roles.Operator);
        var before = DataTree();
        var photos = Enumerable.Range(1, 4).Select(n => ($"p{n}.jpg", Photo(n))).ToList();
        long size = photos.Sum(p => p.Item2.LongLength);

        using var response = await WithLimitsAsync(o => o.MaxRequestBytes = size / 2, () => ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip(photos), "too-big"));

        Assert.Contains("too large", await ProblemDetailAsync(response, HttpStatusCode.RequestEntityTooLarge), StringComparison.OrdinalIgnoreCase);
        AssertNothingWritten(before);
    }

    [Fact]
    public async Task TheSameNameTwiceInAZip_Is400NamingIt()
    {
        using var client = service.Client(Roles.Operator);
        var before = DataTree();

        using var response = await ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip([("day1/a.jpg", Photo(1)), ("day1/A.JPG", Photo(2))]), "twice");

        Assert.Contains("appears twice", await ProblemDetailAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        AssertNothingWritten(before);
    }

    [Theory]
    [InlineData("a.jpg", "a.jpg/b.jpg")]
    [InlineData("a.jpg/b.jpg", "a.jpg")]
    public async Task AFileAndAFolderOfTheSameName_Is400_NotAServerError(string first, string second)
    {
        // Regression: writing the second used to throw an IOException, answered with a bare 500.
        using var client = service.Client(Roles.Operator);
        var before = DataTree();

        using var response = await ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip([(first, Photo(1)), (second, Photo(2))]), "clash");

        Assert.Contains("a.jpg", await ProblemDetailAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        AssertNothingWritten(before);
    }

    [Fact]
    public async Task NestedZipsAndCopies_AreListedAsNotUsed_WithReasons_AndTheRestIsKept()
    {
        using var client = service.Client(Roles.Operator);
        var inner = ServiceFixture.Zip([("inner.jpg", Photo(3))]);
        var zip = ServiceFixture.Zip([("a.jpg", Photo(1)), ("copy-of-a.jpg", Photo(1)), ("inner.zip", inner), ("notes.txt", "x"u8.ToArray()), ("__MACOSX/._a.jpg", [1, 2])]);

        using var response = await ServiceFixture.UploadZipAsync(client, zip, "nested");
        string id = await ServiceFixture.CreatedIdAsync(response);

        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, created.GetProperty("photos").GetInt32());
        var ignored = created.GetProperty("ignored").EnumerateArray().ToDictionary(i => i.GetProperty("file").GetString()!, i => i.GetProperty("code").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["copy-of-a.jpg"] = "duplicate", ["inner.zip"] = "zip-in-zip", ["notes.txt"] = "not-a-photo", ["__MACOSX/._a.jpg"] = "hidden-file",
        }, ignored);
        Assert.All(created.GetProperty("ignored").EnumerateArray(), i => Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("reason").GetString())));
        Assert.Equal(["a.jpg"], Directory.GetFiles(Path.Combine(service.DataDir, "flights", id), "*", SearchOption.AllDirectories).Select(Path.GetFileName));
        await ServiceFixture.WaitForDoneAsync(client, id);
        await DeleteAsync(id);
    }

    [Fact]
    public async Task TwoUploadsAtOnce_IntoDifferentFlights_KeepTheirOwnPhotos_AndBothProcess()
    {
        using var client = service.Client(Roles.Operator);
        var first = Enumerable.Range(1, 3).Select(n => ($"IMG_{n:D4}.jpg", Photo(n))).ToList();
        var second = Enumerable.Range(4, 3).Select(n => ($"IMG_{n:D4}.jpg", Photo(n))).ToList();

        // Same file names in both would show a mix-up; the second flight gets them under the first's names.
        var renamed = second.Select((p, i) => (first[i].Item1, p.Item2)).ToList();
        var uploads = await Task.WhenAll(
            ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip(first), "parallel-1"),
            ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip(renamed), "parallel-2"));
        string id1 = await ServiceFixture.CreatedIdAsync(uploads[0]);
        string id2 = await ServiceFixture.CreatedIdAsync(uploads[1]);

        Assert.NotEqual(id1, id2);
        AssertFolderHolds(id1, first);
        AssertFolderHolds(id2, renamed);
        var done = await Task.WhenAll(ServiceFixture.WaitForDoneAsync(client, id1), ServiceFixture.WaitForDoneAsync(client, id2));
        Assert.All(done, d => Assert.Equal((3, 3, 0), (d.GetProperty("photos").GetProperty("total").GetInt32(), d.GetProperty("photos").GetProperty("ok").GetInt32(), d.GetProperty("photos").GetProperty("problems").GetArrayLength())));
        foreach (var u in uploads)
        {
            u.Dispose();
        }

        await DeleteAsync(id1);
        await DeleteAsync(id2);
    }

    private void AssertFolderHolds(string flightId, IEnumerable<(string Name, byte[] Bytes)> photos)
    {
        string folder = Path.Combine(service.DataDir, "flights", flightId);
        var expected = photos.ToDictionary(p => p.Name, p => Convert.ToHexString(SHA256.HashData(p.Bytes)));
        var actual = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
        Assert.Equal(expected, actual);
    }

    private async Task<HttpResponseMessage> WithLimitsAsync(Action<UploadOptions> set, Func<Task<HttpResponseMessage>> upload)
    {
        // The tests of this collection run one at a time, so a limit lowered here is seen by this upload alone.
        var limits = service.Get<IOptions<UploadOptions>>().Value;
        var saved = limits with { };
        set(limits);
        try
        {
            return await upload();
        }
        finally
        {
            limits.MaxRequestBytes = saved.MaxRequestBytes;
            limits.MaxZipUncompressedBytes = saved.MaxZipUncompressedBytes;
        }
    }

    private async Task DeleteAsync(string flightId)
    {
        using var admin = service.Client(Roles.Admin);
        (await admin.DeleteAsync($"/api/flights/{flightId}")).Dispose();
    }

    /// <summary>Every file under the data folder's parent (so a write beside it shows too), but the databases.</summary>
    private HashSet<string> DataTree() => Directory.EnumerateFiles(service.DataDir, "*", SearchOption.AllDirectories)
        .Where(f => !Path.GetFileName(f).StartsWith("hangfire.db", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("dronescan.db", StringComparison.Ordinal))
        .ToHashSet(StringComparer.Ordinal);

    private void AssertNothingWritten(HashSet<string> before)
    {
        var after = DataTree();
        Assert.Empty(after.Except(before));
        Assert.Equal(
            before.Select(Path.GetDirectoryName).Distinct().Order(StringComparer.Ordinal),
            after.Select(Path.GetDirectoryName).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(service.DataDir, "flights")), d => !before.Any(f => f.StartsWith(d + "/", StringComparison.Ordinal)));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(service.DataDir)!, "evil*"));
        Assert.False(File.Exists("/tmp/evil.jpg") || File.Exists("/etc/cron.d/evil.jpg"));
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
    }
}
