using DroneScan.Imaging.Tests.Fixtures;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Exif.Makernotes;
using MetadataExtractor.Formats.Xmp;

namespace DroneScan.Imaging.Tests;

/// <summary>The fixtures themselves: what the builder writes is what an independent reader (MetadataExtractor,
/// used directly) finds, so a failing reader test points at the reader and not at the fixture.</summary>
public sealed class DronePhotoBuilderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Build_WritesXmpPacket_ThatMetadataExtractorParses()
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC6310")
            .WithDji("RelativeAltitude", "+30.000")
            .Save(_temp.Path, "xmp.jpg");

        var xmp = ImageMetadataReader.ReadMetadata(path).OfType<XmpDirectory>().Single().XmpMeta;

        Assert.NotNull(xmp);
        Assert.Equal("+30.000", xmp.GetPropertyString(XmpPacket.DjiNamespace, "RelativeAltitude"));
    }

    [Fact]
    public void Build_WritesExifInLittleEndianOrder()
    {
        byte[] jpeg = new DronePhotoBuilder().WithCamera("DJI", "FC6310").ToBytes();

        int exif = IndexOf(jpeg, "Exif\0\0"u8);

        Assert.True(exif > 0, "no EXIF APP1 segment");
        Assert.Equal((byte)'I', jpeg[exif + 6]);
        Assert.Equal((byte)'I', jpeg[exif + 7]);
    }

    [Fact]
    public void Build_WritesDjiMakerNote_ThatMetadataExtractorParsesAsDjiDirectory()
    {
        string path = new DronePhotoBuilder()
            .WithCamera("DJI", "FC300X")
            .WithDjiMakerNote(-89.9f, 12.5f, 0.25f)
            .Save(_temp.Path, "makernote.jpg");

        var dir = ImageMetadataReader.ReadMetadata(path).OfType<DjiMakernoteDirectory>().Single();

        Assert.Empty(dir.Errors);
        Assert.Equal(-89.9f, dir.GetSingle(DjiMakerNote.CameraPitchTag));
        Assert.Equal(12.5f, dir.GetSingle(DjiMakerNote.CameraYawTag));
        Assert.Equal(0.25f, dir.GetSingle(DjiMakerNote.CameraRollTag));
    }

    [Fact]
    public void Build_WithNothingSet_WritesNoExifAndNoXmp()
    {
        string path = new DronePhotoBuilder().Save(_temp.Path, "bare.jpg");

        var directories = ImageMetadataReader.ReadMetadata(path);

        Assert.Empty(directories.OfType<ExifDirectoryBase>());
        Assert.Empty(directories.OfType<XmpDirectory>());
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
