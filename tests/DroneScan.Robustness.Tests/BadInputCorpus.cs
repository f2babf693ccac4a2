using System.Text;
using DroneScan.Imaging.Tests.Fixtures;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using static DroneScan.Robustness.Tests.CorpusBytes;

namespace DroneScan.Robustness.Tests;

/// <summary>What a case's files may refer to: the secret file an XXE packet tries to read.</summary>
internal sealed record CorpusContext(string SecretPath, string Secret);

/// <summary>
/// One bad input: the files it adds to a flight of good photos, and the outcome each entry point must give for
/// its subject file. Outcomes are <c>ok</c>, <c>warning CODE</c> / <c>error CODES</c> (inspect), <c>error CODE</c>
/// (detect), <c>failed CODE</c> / <c>skipped CODE</c> (scan).
/// </summary>
internal sealed record BadInputCase(string Id, string Description, string Subject, string Inspect, string Detect, string Scan)
{
    public required Func<CorpusContext, IReadOnlyList<(string Name, byte[] Bytes)>> Files { get; init; }

    /// <summary>The upload API's outcome where it is not the scan's in upload terms (see <see cref="Upload"/>).</summary>
    public string? UploadOutcome { get; init; }

    /// <summary>
    /// The upload API's outcome: <c>ok</c>; <c>not used CODE</c> (the flight's photo problems); <c>ignored CODE</c> (the
    /// upload's answer); <c>refused STATUS</c>. By default what scan gives, in those terms: the service runs the same
    /// per-photo code, but with its own defaults (no <c>--agl</c> or <c>--focal-px</c>).
    /// </summary>
    public string Upload => UploadOutcome ?? Scan switch
    {
        "ok" => "ok",
        // Hidden names are left out when the upload is read: listed in the answer's `ignored`, never stored.
        "skipped hidden-file" => "ignored hidden-file",
        "skipped duplicate" => "ignored duplicate",
        _ => "not used " + Scan.Split(' ', 2)[1],
    };
}

/// <summary>The bad-input corpus: every case is generated here from the sample photos and synthetic ones.</summary>
internal static class BadInputCorpus
{
    public const string GoodPhoto1 = "good-1.jpg";
    public const string GoodPhoto2 = "good-2.jpg";

    /// <summary>The CLI options every run gets: what the synthetic photos do not say.</summary>
    public static readonly string[] CommonOptions = ["--agl", "40", "--focal-px", "2000"];

    private static readonly Lazy<byte[]> RealPhoto = new(() => File.ReadAllBytes(TestPaths.DemoPhoto));
    private static readonly Lazy<byte[]> RealPhotoLarge = new(() => File.ReadAllBytes(TestPaths.SenecaPhoto));

    /// <summary>A good DJI-like photo: camera, GPS, relative altitude, nadir gimbal.</summary>
    public static DronePhotoBuilder Good(double latitudeOffsetDeg = 0) => new DronePhotoBuilder()
        .WithCamera("DJI", "FC6310")
        .WithFocalLength(8.8, in35mmFilm: 24)
        .WithGpsDegrees(40.0 + latitudeOffsetDeg, 49.0)
        .WithGpsAltitude(140)
        .WithDji("RelativeAltitude", "+40.000")
        .WithDjiGimbal("+0.00", "-90.00", "+0.00");

    public static IReadOnlyList<BadInputCase> Cases { get; } = Build();

    public static BadInputCase Get(string id) => Cases.Single(c => c.Id == id);

    private static List<BadInputCase> Build()
    {
        var cases = new List<BadInputCase>();

        void One(string id, string description, string inspect, string detect, string scan, Func<CorpusContext, byte[]> bytes, string name = "case.jpg") =>
            cases.Add(new BadInputCase(id, description, name, inspect, detect, scan) { Files = ctx => [(name, bytes(ctx))] });

        byte[] good = Good(0.0002).ToBytes();

        // Not a photo at all.
        One("empty-file", "zero-byte file", "error unreadable-file, no-gps, no-image-size", "error unsupported-format", "failed unreadable-file", _ => []);
        One("text-file", "a text file named .jpg", "error unreadable-file, no-gps, no-image-size", "error unsupported-format", "failed unreadable-file", _ => Text("flight log: battery 2 swapped at 14:05\n"));
        One("elf-executable", "an ELF executable header named .jpg", "error unreadable-file, no-gps, no-image-size", "error unsupported-format", "failed unreadable-file", _ => ElfExecutable());

        // Other formats renamed .jpg.
        One("png-as-jpg", "PNG renamed .jpg", "error no-gps", "ok", "skipped no-gps", _ => Encode("png"));
        One("gif-as-jpg", "GIF renamed .jpg", "error no-image-size, no-gps", "error unsupported-format", "skipped no-image-size", _ => Encode("gif"));
        One("bmp-as-jpg", "BMP renamed .jpg", "error no-image-size, no-gps", "error unsupported-format", "skipped no-image-size", _ => Encode("bmp"));
        One("tiff-as-jpg", "TIFF renamed .jpg", "error no-gps", "ok", "skipped no-gps", _ => Encode("tiff"));
        One("webp-as-jpg", "WebP renamed .jpg", "error no-image-size, no-gps", "error unsupported-format", "skipped no-image-size", _ => Encode("webp"));

        // Truncated and padded JPEGs (a real DJI photo).
        One("truncated-soi-only", "real photo cut after 2 bytes (SOI only)", "error unreadable-file, no-gps, no-image-size", "error unsupported-format", "failed unreadable-file", _ => RealPhoto.Value[..2]);
        One("truncated-in-exif", "real photo cut inside its EXIF segment (byte 800)", "error unreadable-file, no-gps, no-image-size", "error damaged-image", "failed unreadable-file", _ => RealPhoto.Value[..800]);
        One("truncated-after-header", "real photo cut 200 bytes into the scan data", "ok", "error damaged-image", "failed damaged-image", _ => RealPhoto.Value[..(ScanStart(RealPhoto.Value) + 200)]);
        One("truncated-half", "real photo cut at half its length", "ok", "error damaged-image", "failed damaged-image", _ => RealPhoto.Value[..(RealPhoto.Value.Length / 2)]);
        One("truncated-no-eoi", "real photo missing only its last 2 bytes (EOI)", "ok", "error damaged-image", "failed damaged-image", _ => RealPhoto.Value[..^2]);
        One("truncated-large-photo", "2 MB real photo (another camera) cut at 60 %", "warning attitude-assumed", "error damaged-image", "failed damaged-image", _ => RealPhotoLarge.Value[..(RealPhotoLarge.Value.Length * 3 / 5)]);
        One("garbage-after-eoi", "good photo followed by 4 kB of text after EOI", "ok", "ok", "ok", _ => [.. good, .. Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("trailing garbage ", 256)))]);

        // Sizes.
        One("bomb-jpeg-60000", "JPEG header declaring 60 000 × 60 000 (decompression bomb)", "warning footprint-clipped", "error image-too-large", "failed image-too-large", _ => WithJpegSize(good, 60000, 60000));
        One("bomb-png-60000", "PNG header declaring 60 000 × 60 000 (decompression bomb)", "error no-gps", "error image-too-large", "skipped no-gps", _ => PngDeclaring(60000, 60000));
        One("one-pixel", "1 × 1 px photo with full metadata", "ok", "ok", "ok", _ => Good(0.0003).WithSize(1, 1).ToBytes());
        One("zero-width", "JPEG header declaring 0 × 300", "error no-image-size", "error damaged-image", "skipped no-image-size", _ => WithJpegSize(good, 0, 300));

        // Colour models and bit depths.
        One("cmyk-jpeg", "CMYK JPEG (Adobe APP14), no metadata", "error no-gps", "ok", "skipped no-gps", _ => CmykJpeg());
        One("grayscale-jpeg", "grayscale (1-component) JPEG, no metadata", "error no-gps", "ok", "skipped no-gps", _ => Encode("gray-jpeg"));
        One("tiff-16-bit", "16-bit grayscale TIFF (.tif)", "error no-gps", "ok", "skipped no-gps", _ => GrayTiff(64, 48, 16), "case.tif");

        // EXIF structure.
        One("exif-ifd-offset-out-of-file", "EXIF header pointing IFD0 past the end of its segment", "error no-gps", "ok", "skipped no-gps", _ => InsertAfterSoi(Encode("gray-jpeg"), ExifSegment(PatchIfdOffset(TiffIfd(0, (0x0110, 2, 8, 0)), 0x0FFF_FFF0))));
        One("exif-value-offset-out-of-file", "EXIF Model value at an offset past the end of its segment", "error no-gps", "ok", "skipped no-gps", _ => InsertAfterSoi(Encode("gray-jpeg"), ExifSegment(TiffIfd(0, (0x0110, 2, 64, 0x7FFF_FFF0)))));
        One("exif-ifd-loop", "EXIF IFD0 whose next-IFD and Exif-IFD pointers point back at itself", "error no-gps", "error damaged-image", "skipped no-gps", _ => InsertAfterSoi(Encode("gray-jpeg"), ExifSegment(TiffIfd(8, (0x8769, 4, 1, 8), (0x8825, 4, 1, 8)))));
        One("exif-huge-entry-count", "64 kB EXIF segment claiming 65 535 IFD entries", "error no-gps", "ok", "skipped no-gps", _ => InsertAfterSoi(Encode("gray-jpeg"), ExifSegment(HugeIfd())));
        One("exif-dht-marker", "marker inside the Huffman table (MetadataExtractor throws)", "error unreadable-file, no-gps, no-image-size", "error damaged-image", "failed unreadable-file", _ => MarkerInDht(good));

        // XMP.
        One("xmp-huge", "200 XMP segments of 64 kB each (13 MB of XMP)", "ok", "ok", "ok", _ => InsertAfterSoi(Good(0.0004).ToBytes(), [.. Enumerable.Repeat(XmpSegment(HugeXmpPacket()), 200)]));
        One("xmp-billion-laughs", "XMP with nested entity expansion (billion laughs)", "warning unreadable-xmp, attitude-assumed", "ok", "ok", _ => GoodExifOnly(0.0005).WithRawXmp(BillionLaughs()).ToBytes());
        One("xmp-xxe-file", "XMP with an external entity reading a local secret file (XXE)", "warning unreadable-xmp, attitude-assumed", "ok", "ok", ctx => GoodExifOnly(0.0006).WithRawXmp(Xxe(ctx.SecretPath)).ToBytes());
        One("xmp-xxe-parameter-entity", "XMP with an external DTD via a parameter entity", "warning unreadable-xmp, attitude-assumed", "ok", "ok", ctx => GoodExifOnly(0.0007).WithRawXmp(XxeParameter(ctx.SecretPath)).ToBytes());
        One("tiff-xmp-billion-laughs", "TIFF whose tag 700 (XMLPacket) holds a billion-laughs XMP", "error no-gps", "ok", "skipped no-gps", _ => GrayTiff(64, 48, 8, BillionLaughs()), "case.tif");
        One("tiff-xmp-xxe-file", "TIFF whose tag 700 (XMLPacket) holds XMP with an external entity reading a local secret file", "error no-gps", "ok", "skipped no-gps", ctx => GrayTiff(64, 48, 8, Xxe(ctx.SecretPath)), "case.tif");
        One("xmp-not-xml", "XMP segment holding binary garbage", "warning unreadable-xmp, attitude-assumed", "ok", "ok", _ => GoodExifOnly(0.0008).WithRawXmp([0x3C, 0x00, 0xFF, 0xFE, 0x3C, 0x3F, 0x78]).ToBytes());
        One("xmp-text-between-elements", "XMP with text inside rdf:RDF (XmpCore throws InvalidCastException)", "warning unreadable-xmp, attitude-assumed", "ok", "ok", _ => GoodExifOnly(0.0009).WithRawXmp(TextInRdf()).ToBytes());

        // GPS and pose values.
        One("gps-nan", "GPS latitude 0/0 (NaN)", "error invalid-coordinates", "ok", "skipped invalid-coordinates", _ => Good().WithGps([DronePhotoBuilder.R(0, 0), DronePhotoBuilder.R(0), DronePhotoBuilder.R(0)], "N", Dms(49), "E").ToBytes());
        One("gps-infinite", "GPS latitude 1/0 (+∞)", "error invalid-coordinates", "ok", "skipped invalid-coordinates", _ => Good().WithGps([DronePhotoBuilder.R(1, 0), DronePhotoBuilder.R(0), DronePhotoBuilder.R(0)], "N", Dms(49), "E").ToBytes());
        One("gps-xmp-minus-infinity", "no EXIF GPS; DJI XMP GpsLongitude \"-Infinity\"", "error no-gps", "ok", "skipped no-gps", _ => new DronePhotoBuilder().WithCamera("DJI", "FC6310").WithDji("RelativeAltitude", "+40.000").WithDji("GpsLatitude", "+40.0").WithDji("GpsLongitude", "-Infinity").ToBytes());
        One("gps-latitude-95", "GPS latitude 95° N (out of range)", "error invalid-coordinates", "ok", "skipped invalid-coordinates", _ => Good().WithGps(Dms(95), "N", Dms(49), "E").ToBytes());
        One("gps-longitude-200", "GPS longitude 200° E (out of range)", "error invalid-coordinates", "ok", "skipped invalid-coordinates", _ => Good().WithGps(Dms(40), "N", Dms(200), "E").ToBytes());
        One("altitude-below-ground", "relative altitude −5 m (below the take-off ground)", "error altitude-not-positive", "ok", "skipped altitude-not-positive", _ => GoodExifOnly(0.001).WithDji("RelativeAltitude", "-5.000").WithDjiGimbal("+0.00", "-90.00", "+0.00").ToBytes());
        One("gimbal-at-sky", "gimbal pitch +30° (camera looking above the horizon)", "error gimbal-above-horizon", "ok", "skipped gimbal-above-horizon", _ => GoodExifOnly(0.0011).WithDji("RelativeAltitude", "+40.000").WithDjiGimbal("+0.00", "+30.00", "+0.00").ToBytes());

        for (ushort o = 1; o <= 8; o++)
        {
            ushort orientation = o;
            One($"orientation-{o}", $"EXIF Orientation {o}", "ok", "ok", "ok", _ => Good(0.002 + (orientation * 0.0001)).WithOrientation(orientation).ToBytes());
        }

        // Flights.
        cases.Add(new BadInputCase("duplicate-bytes", "the same bytes under two names (dup-a.jpg, dup-b.jpg)", "dup-b.jpg", "ok", "ok", "skipped duplicate")
        {
            Files = _ => [("dup-a.jpg", Good(0.003).ToBytes()), ("dup-b.jpg", Good(0.003).ToBytes())],
        });
        One("mixed-camera", "one photo from another camera (Parrot Anafi) in a DJI flight", "ok", "ok", "ok", _ => Good(0.0031).WithCamera("Parrot", "ANAFI").ToBytes());

        // File names.
        foreach (var (id, name, scan) in new[]
        {
            ("name-unicode", "Фото_航拍_📷.jpg", "ok"), ("name-spaces", "photo with  spaces .jpg", "ok"), ("name-dots", "..jpg", "skipped hidden-file"),
            ("name-three-dots", "...jpg", "skipped hidden-file"), ("name-hidden", ".hidden.jpg", "skipped hidden-file"),
            ("name-dot-dot-inside", "a..b..jpg", "ok"), ("name-control-chars", "ctl\u0001\u001b[31m\u007f.jpg", "ok"), ("name-leading-dash", "--help.jpg", "ok"),
        })
        {
            One(id, $"file name '{Printable(name)}'", "ok", "ok", scan, _ => Good(0.004 + (name.Length * 0.00001)).ToBytes(), name);
        }

        // Where the upload API differs from scan. The service has no --agl: a photo whose height above ground is only
        // in its XMP has none once that XMP is unreadable. A name with control characters cannot become a path in the
        // flight's folder: the whole upload is refused, naming the file.
        var upload = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["xmp-billion-laughs"] = "not used no-altitude",
            ["xmp-xxe-file"] = "not used no-altitude",
            ["xmp-xxe-parameter-entity"] = "not used no-altitude",
            ["xmp-not-xml"] = "not used no-altitude",
            ["xmp-text-between-elements"] = "not used no-altitude",
            ["name-control-chars"] = "refused 400",
        };
        return cases.Select(c => upload.TryGetValue(c.Id, out var u) ? c with { UploadOutcome = u } : c).ToList();
    }

    /// <summary>The good photo's EXIF without its XMP, to be given other XMP.</summary>
    private static DronePhotoBuilder GoodExifOnly(double latitudeOffsetDeg) => new DronePhotoBuilder()
        .WithCamera("DJI", "FC6310")
        .WithFocalLength(8.8, in35mmFilm: 24)
        .WithGpsDegrees(40.0 + latitudeOffsetDeg, 49.0)
        .WithGpsAltitude(140);

    private static SixLabors.ImageSharp.Rational[] Dms(uint degrees) => [DronePhotoBuilder.R(degrees), DronePhotoBuilder.R(0), DronePhotoBuilder.R(0)];

    private static int ScanStart(byte[] jpeg) => jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);

    private static byte[] PatchIfdOffset(byte[] tiff, uint offset)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), offset);
        return tiff;
    }

    private static byte[] HugeIfd()
    {
        byte[] tiff = new byte[65_000];
        "II"u8.CopyTo(tiff);
        tiff[2] = 42;
        tiff[4] = 8;
        tiff[8] = 0xFF;
        tiff[9] = 0xFF;
        for (int i = 10; i + 12 <= tiff.Length; i += 12)
        {
            tiff[i] = (byte)i;
            tiff[i + 1] = (byte)(i >> 8);
            tiff[i + 2] = 4; // LONG
            tiff[i + 4] = 0xFF; // count 255
            tiff[i + 8] = 0xF0; // offset 0x00FFFFF0
            tiff[i + 9] = 0xFF;
            tiff[i + 10] = 0xFF;
        }

        return tiff;
    }

    private static byte[] MarkerInDht(byte[] jpeg)
    {
        byte[] copy = (byte[])jpeg.Clone();
        int dht = copy.AsSpan().IndexOf([(byte)0xFF, (byte)0xC4]);
        copy[dht + 6] = 0xFF;
        copy[dht + 7] = 0x02;
        return copy;
    }

    private const string XmpHead = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>";
    private const string XmpBody =
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
        "<rdf:Description rdf:about=\"\" xmlns:drone-dji=\"http://www.dji.com/drone-dji/1.0/\" drone-dji:RelativeAltitude=\"+40.000\" " +
        "drone-dji:GimbalPitchDegree=\"-90.00\" drone-dji:GimbalYawDegree=\"+0.00\" drone-dji:GimbalRollDegree=\"+0.00\">" +
        "<drone-dji:Note>";

    private static string Body(string note) => XmpBody + note + "</drone-dji:Note></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";

    private static byte[] HugeXmpPacket() =>
        Encoding.UTF8.GetBytes(XmpHead + Body(new string('x', 65_000 - 700)));

    private static byte[] BillionLaughs()
    {
        var dtd = new StringBuilder("<!DOCTYPE x:xmpmeta [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++)
        {
            dtd.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        dtd.Append("]>");
        return Encoding.UTF8.GetBytes(XmpHead + dtd + Body("&lol9;"));
    }

    private static byte[] Xxe(string secretPath) => Encoding.UTF8.GetBytes(
        XmpHead + $"<!DOCTYPE x:xmpmeta [<!ENTITY xxe SYSTEM \"{new Uri(secretPath).AbsoluteUri}\">]>" +
        Body("&xxe;"));

    private static byte[] XxeParameter(string secretPath) => Encoding.UTF8.GetBytes(
        XmpHead + $"<!DOCTYPE x:xmpmeta [<!ENTITY % ext SYSTEM \"{new Uri(secretPath).AbsoluteUri}\"> %ext;]>" +
        Body("see DTD"));

    private static byte[] TextInRdf() => Encoding.UTF8.GetBytes(
        XmpHead + Body("x").Replace("<rdf:Description", "stray text<rdf:Description", StringComparison.Ordinal));

    /// <summary>A file name as the table shows it: control characters as \uXXXX.</summary>
    public static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
