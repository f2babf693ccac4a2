using System.Net;
using System.Text.Json;
using DroneScan.Web.Auth;
using DroneScan.Web.Files;

namespace DroneScan.Web.Tests;

[Collection(ServiceGroup.Name)]
public sealed class UploadValidationTests(ServiceFixture service)
{
    private static byte[] Photo => File.ReadAllBytes(Path.Combine(TestPaths.DemoFlight, "IMG_0001.jpg"));

    public static TheoryData<string> EvilNames => new() { "../evil.jpg", "photos/../../evil.jpg", "/tmp/evil.jpg", "C:/evil.jpg", "\\\\server\\evil.jpg" };

    [Theory]
    [MemberData(nameof(EvilNames))]
    public async Task ZipEntryOutsideTheFlightFolder_Is400_AndNothingIsWritten(string entryName)
    {
        using var client = service.Client(Roles.Operator);
        var before = Directory.GetDirectories(Path.Combine(service.DataDir, "flights")).ToHashSet();

        using var response = await ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip([("ok.jpg", Photo), (entryName, Photo)]), "evil");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, entryName.Contains("..", StringComparison.Ordinal) ? "outside" : "absolute");
        Assert.Equal(before, Directory.GetDirectories(Path.Combine(service.DataDir, "flights")).ToHashSet());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(service.DataDir)!, "evil.jpg"));
        Assert.Empty(Directory.GetFiles(service.DataDir, "evil.jpg", SearchOption.AllDirectories));
        Assert.False(File.Exists("/tmp/evil.jpg"));
    }

    [Fact]
    public async Task ZipWithASymlink_Is400()
    {
        using var client = service.Client(Roles.Operator);
        // Unix mode 0120777 (symbolic link) in the high 16 bits of the external attributes.
        var zip = ServiceFixture.Zip([("link.jpg", "/etc/passwd"u8.ToArray())], e => e.ExternalAttributes = unchecked((int)(0xA1FFu << 16)));

        using var response = await ServiceFixture.UploadZipAsync(client, zip, "symlink");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "symbolic link");
    }

    [Fact]
    public async Task UploadWithoutPhotos_Is400()
    {
        using var client = service.Client(Roles.Operator);
        using var response = await ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip([("notes.txt", "hello"u8.ToArray())]), "empty");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "no photos");
    }

    [Theory]
    [InlineData("a.jpg", true, "a.jpg")]
    [InlineData("day1\\a.jpg", true, "day1/a.jpg")]
    [InlineData("../a.jpg", false, "")]
    [InlineData("a/./b.jpg", false, "")]
    [InlineData("/a.jpg", false, "")]
    [InlineData("D:a.jpg", false, "")]
    [InlineData(".hidden.jpg", false, "")]
    [InlineData("a|b.jpg", false, "")]
    public void TryNormalise_AcceptsOnlyPathsInsideTheFolder(string name, bool ok, string relative)
    {
        Assert.Equal(ok, FlightFolders.TryNormalise(name, out string normalised, out _));
        Assert.Equal(relative, normalised);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(detailContains, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
