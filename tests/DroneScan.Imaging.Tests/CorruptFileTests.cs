using System.Xml.Linq;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;
using DroneScan.Imaging.Tests.Fixtures;

namespace DroneScan.Imaging.Tests;

/// <summary>
/// Damaged files: the reader's contract is that it never throws for a bad file but reports it, naming the file,
/// so that one bad photo never stops a flight. Each of the first three cases made a third-party parser throw an
/// exception the reader did not expect.
/// </summary>
public sealed class CorruptFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_ReturnsUnreadableError_WhenHuffmanTableContainsAMarker()
    {
        // MetadataExtractor throws MetadataException ("Marker … found inside DHT segment"), which is not an
        // ImageProcessingException.
        byte[] jpeg = ValidDjiJpeg();
        int dht = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC4]);
        Assert.True(dht > 0, "no DHT segment");
        jpeg[dht + 6] = 0xFF;
        jpeg[dht + 7] = 0x02;
        string path = Write("bad-dht.jpg", jpeg);

        var photo = PhotoMetadataReader.Read(path);

        var error = Assert.Single(photo.Diagnostics);
        Assert.Equal(DiagnosticCodes.Unreadable, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal("bad-dht.jpg", error.File);
        Assert.Contains("DHT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WarnsAndKeepsExifAndGps_WhenXmpHasTextBetweenElements()
    {
        // XmpCore casts every child of rdf:RDF to XElement and throws InvalidCastException on text. The XMP is
        // lost, but the photo is not: its EXIF camera and GPS position are still read.
        var packet = new XmpPacket().Set(XmpPacket.DjiNamespace, "drone-dji", "RelativeAltitude", "+50.000");
        var document = packet.ToDocument();
        XNamespace rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
        document.Root!.Element(rdf + "RDF")!.AddFirst(new XText("stray text"));
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC6310")
            .WithGpsDegrees(40, 49)
            .WithRawXmp(XmpPacket.Serialize(document))
            .Save(_temp.Path, "bad-xmp.jpg");

        var photo = PhotoMetadataReader.Read(path);

        var warning = Assert.Single(photo.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnreadableXmp, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal("bad-xmp.jpg", warning.File);
        Assert.Contains(nameof(InvalidCastException), warning.Message, StringComparison.Ordinal);
        Assert.Equal("FC6310", photo.Model);
        Assert.Equal(40, photo.LatitudeDeg!.Value, 6);
        Assert.Null(photo.Dji);
    }

    [Fact]
    public void Read_ReturnsNoImageSizeError_WhenApp0LengthIsWrong()
    {
        // APP0 length 0x01FF: MetadataExtractor skips past the frame header, then ImageSharp 2.1's
        // Identify (the size fallback) throws NullReferenceException.
        byte[] jpeg = new DronePhotoBuilder().ToBytes();
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10], jpeg[..6]);
        jpeg[5] = 0xFF;
        string path = Write("bad-app0.jpg", jpeg);

        var photo = PhotoMetadataReader.Read(path);

        var error = Assert.Single(photo.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.NoImageSize, error.Code);
        Assert.Equal("bad-app0.jpg", error.File);
        Assert.Null(photo.RawWidth);
        Assert.Contains(PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions()).Diagnostics, d => d.Code == DiagnosticCodes.NoImageSize);
    }

    [Fact]
    public void Read_NeverThrows_ForAnyTruncationOfTheHeaders()
    {
        byte[] jpeg = ValidDjiJpeg();
        int scan = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        Assert.True(scan > 0, "no SOS marker");
        string path = _temp.File("cut.jpg");

        for (int length = 0; length <= scan + 2; length++)
        {
            File.WriteAllBytes(path, jpeg[..length]);

            var photo = PhotoMetadataReader.Read(path);

            Assert.True(photo.RawWidth is not null || photo.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error),
                $"cut at {length} bytes: no size and no error");
            Assert.All(photo.Diagnostics, d => Assert.Equal("cut.jpg", d.File));
            _ = PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions());
        }
    }

    [Fact]
    public void Read_NeverThrows_ForRandomlyCorruptedHeaders()
    {
        byte[] valid = ValidDjiJpeg();
        int scan = valid.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        var random = new Random(20240517);
        string path = _temp.File("corrupt.jpg");

        for (int i = 0; i < 1500; i++)
        {
            byte[] jpeg = (byte[])valid.Clone();
            for (int k = 1 + random.Next(4); k > 0; k--)
            {
                // Markers (0xFF) are what trips parsers most, so one byte in three becomes one.
                jpeg[random.Next(2, scan + 4)] = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }

            File.WriteAllBytes(path, jpeg);

            var photo = PhotoMetadataReader.Read(path);

            Assert.All(photo.Diagnostics, d => Assert.Equal("corrupt.jpg", d.File));
            _ = PhotoGeoreferencer.Resolve(photo, new GeoreferenceOptions { AltitudeAglM = 30, FocalLengthPx = 1000 });
        }
    }

    private static byte[] ValidDjiJpeg() => new DronePhotoBuilder()
        .WithCamera("DJI", "FC300X")
        .WithOrientation(6)
        .WithDateTimeOriginal("2024:05:17 14:30:05", subSec: "12", offset: "+03:00")
        .WithFocalLength(3.61, in35mmFilm: 20)
        .WithGpsDegrees(40, 49)
        .WithGpsAltitude(120)
        .WithGpsTime("2024:05:17", DronePhotoBuilder.R(11), DronePhotoBuilder.R(30), DronePhotoBuilder.R(5))
        .WithDjiMakerNote(-90f, 12f, 0f)
        .WithDji("RelativeAltitude", "+50.000")
        .WithDjiGimbal("+12.00", "-90.00", "+0.00")
        .ToBytes();

    private string Write(string name, byte[] bytes)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
