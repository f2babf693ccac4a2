using System.Text;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;

namespace DroneScan.Robustness.Tests;

/// <summary>XMP in TIFF tag 700 goes through the hardened XMP reader (no DTD), never through XmpCore.</summary>
public sealed class TiffXmpTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dronescan-tiff-xmp-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void TiffTag700_WithAnExternalEntity_IsRefusedByTheHardenedReader_AndTheSecretIsNeverRead()
    {
        string secret = Path.Combine(folder, "secret.txt");
        File.WriteAllText(secret, "TOP-SECRET-7f3a");
        string packet = "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
            + $"<!DOCTYPE x:xmpmeta [<!ENTITY xxe SYSTEM \"{new Uri(secret).AbsoluteUri}\">]>"
            + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            + "<rdf:Description xmlns:drone-dji=\"http://www.dji.com/drone-dji/1.0/\" drone-dji:RelativeAltitude=\"&xxe;\"/>"
            + "</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
        string tiff = Path.Combine(folder, "case.tif");
        File.WriteAllBytes(tiff, CorpusBytes.GrayTiff(16, 12, 8, Encoding.UTF8.GetBytes(packet)));

        var metadata = PhotoMetadataReader.Read(tiff);

        var xmp = Assert.Single(metadata.Diagnostics, d => d.Code == DiagnosticCodes.UnreadableXmp);
        Assert.Contains("refused", xmp.Message, StringComparison.Ordinal); // the hardened reader's DTD refusal
        Assert.Equal(16, metadata.RawWidth);
        Assert.Null(metadata.Dji);
        Assert.DoesNotContain(metadata.Diagnostics, d => d.Message.Contains("TOP-SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public void TiffTag700_WithPlainXmp_IsRead()
    {
        string packet = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            + "<rdf:Description xmlns:drone-dji=\"http://www.dji.com/drone-dji/1.0/\" drone-dji:RelativeAltitude=\"+41.5\"/>"
            + "</rdf:RDF></x:xmpmeta>\0\0";
        string tiff = Path.Combine(folder, "plain.tif");
        File.WriteAllBytes(tiff, CorpusBytes.GrayTiff(16, 12, 8, Encoding.UTF8.GetBytes(packet)));

        var metadata = PhotoMetadataReader.Read(tiff);

        Assert.DoesNotContain(metadata.Diagnostics, d => d.Code == DiagnosticCodes.UnreadableXmp);
        Assert.Equal(41.5, metadata.Dji?.RelativeAltitudeM);
    }
}
