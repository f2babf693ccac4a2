using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using DroneScan.Imaging.Metadata;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Robustness.Tests;

/// <summary>
/// Seeded mutation fuzzing of the metadata reader and the decoder on real photos (their EXIF, DJI XMP and
/// MakerNotes kept, pixels shrunk so a case takes milliseconds): bit flips, marker bytes, insertions,
/// deletions, segment lengths set to edge values, truncation. For every case: <see cref="PhotoMetadataReader.Read"/>
/// throws nothing, <see cref="PhotoDecoder.LoadOriented(Stream, long, CancellationToken)"/> throws only
/// <see cref="PhotoDecodeException"/>, and each finishes within <see cref="CaseLimit"/>.
/// </summary>
/// <remarks>
/// CI runs 2 000 cases. The long run: <c>DRONESCAN_FUZZ_CASES=100000 dotnet test tests/DroneScan.Robustness.Tests
/// --filter Fuzz</c> (optionally <c>DRONESCAN_FUZZ_SEED=N</c>); a failure names the seed and case index, and
/// <see cref="Mutate"/> rebuilds its bytes for a regression case.
/// </remarks>
public sealed class FuzzTests : IDisposable
{
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(10);

    private readonly string _folder = Directory.CreateTempSubdirectory("dronescan-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Fuzz_MetadataReaderNeverThrows_AndDecoderThrowsOnlyPhotoDecodeException()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("DRONESCAN_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 2000;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DRONESCAN_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : 20240517;
        var seeds = Seeds();
        string path = Path.Combine(_folder, "fuzz.jpg");
        var decodeFailures = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = Stopwatch.StartNew();

        for (int i = 0; i < cases; i++)
        {
            byte[] bytes = Mutate(seeds, seed, i);
            File.WriteAllBytes(path, bytes);
            string where = $"seed {seed}, case {i} ({bytes.Length} bytes)";

            var run = Task.Run(() =>
            {
                _ = PhotoMetadataReader.Read(path);
                try
                {
                    using var stream = new MemoryStream(bytes, writable: false);
                    using var image = PhotoDecoder.LoadOriented(stream, 4_000_000);
                    return "decoded";
                }
                catch (PhotoDecodeException ex)
                {
                    return ex.Code;
                }
            });
            string outcome;
            try
            {
                outcome = await run.WaitAsync(CaseLimit);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{where}: not done within {CaseLimit.TotalSeconds} s");
                throw;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{where}: {ex}");
                throw;
            }

            decodeFailures[outcome] = decodeFailures.GetValueOrDefault(outcome) + 1;
        }

        // Printed for the long run's report.
        Console.WriteLine($"fuzz: {cases} cases, seed {seed}, {total.Elapsed.TotalSeconds:0.0} s; outcomes: {string.Join(", ", decodeFailures.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        Assert.True(decodeFailures.GetValueOrDefault("decoded") > 0, "no mutated photo decoded: the mutations are too coarse to reach the decoder");
    }

    /// <summary>Case <paramref name="index"/> of the run seeded with <paramref name="seed"/>: 1–4 mutations of one
    /// seed photo, biased to the headers where the parsers are.</summary>
    internal static byte[] Mutate(IReadOnlyList<byte[]> seeds, int seed, int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var bytes = new List<byte>(seeds[random.Next(seeds.Count)]);
        int header = Math.Max(16, IndexOfScan(bytes) + 64);
        for (int k = 1 + random.Next(4); k > 0 && bytes.Count > 2; k--)
        {
            int at = random.Next(3) > 0 ? random.Next(Math.Min(header, bytes.Count)) : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)random.Next(256); break;
                case 2: bytes.InsertRange(at, RandomBytes(random, 1 + random.Next(16))); break;
                case 3: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))); break;
                case 4: CorruptSegmentLength(bytes, random); break;
                case 5: bytes.RemoveRange(at, bytes.Count - at); break;
                default: CorruptTiffValue(bytes, random); break;
            }
        }

        return [.. bytes];
    }

    private static List<byte[]> Seeds() =>
    [
        Shrunk(TestPaths.DemoPhoto, 320),
        Shrunk(TestPaths.SenecaPhoto, 320),
        BadInputCorpus.Good().WithOrientation(6).WithDjiMakerNote(-90f, 12f, 0f).ToBytes(),
    ];

    /// <summary>A real photo re-encoded small, keeping its EXIF (GPS, MakerNote) and XMP.</summary>
    private static byte[] Shrunk(string path, int width)
    {
        using var image = Image.Load<Rgb24>(path);
        image.Mutate(x => x.Resize(width, 0));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 80 });
        return stream.ToArray();
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        byte[] bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static int IndexOfScan(List<byte> bytes)
    {
        for (int i = 0; i + 1 < bytes.Count; i++)
        {
            if (bytes[i] == 0xFF && bytes[i + 1] == 0xDA)
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>Sets one marker segment's length to an edge value (0, 1, 2, its length ± 1, 0xFFFF, random).</summary>
    private static void CorruptSegmentLength(List<byte> bytes, Random random)
    {
        var markers = new List<int>();
        for (int i = 2; i + 3 < bytes.Count && markers.Count < 32; i++)
        {
            if (bytes[i] == 0xFF && bytes[i + 1] is >= 0xC0 and <= 0xFE and not 0xD8 and not 0xD9 and not (>= 0xD0 and <= 0xD7))
            {
                markers.Add(i);
            }
        }

        if (markers.Count == 0)
        {
            return;
        }

        int at = markers[random.Next(markers.Count)] + 2;
        int length = (bytes[at] << 8) | bytes[at + 1];
        int[] edges = [0, 1, 2, length - 1, length + 1, 0xFFFF, random.Next(0x10000)];
        int value = Math.Clamp(edges[random.Next(edges.Length)], 0, 0xFFFF);
        bytes[at] = (byte)(value >> 8);
        bytes[at + 1] = (byte)value;
    }

    /// <summary>Overwrites a 4-byte field inside the EXIF TIFF structure (offsets and counts) with an edge value.</summary>
    private static void CorruptTiffValue(List<byte> bytes, Random random)
    {
        int exif = -1;
        for (int i = 0; i + 6 < bytes.Count && i < 4096; i++)
        {
            if (bytes[i] == (byte)'E' && bytes[i + 1] == (byte)'x' && bytes[i + 2] == (byte)'i' && bytes[i + 3] == (byte)'f' && bytes[i + 4] == 0)
            {
                exif = i + 6;
                break;
            }
        }

        if (exif < 0 || exif + 64 >= bytes.Count)
        {
            return;
        }

        int at = exif + 4 + random.Next(Math.Min(2048, bytes.Count - exif - 8));
        uint[] edges = [0, 1, 8, 0x7FFFFFFF, 0xFFFFFFFF, (uint)random.Next(), 0x0000FFFF];
        byte[] value = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(value, edges[random.Next(edges.Length)]);
        for (int k = 0; k < 4 && at + k < bytes.Count; k++)
        {
            bytes[at + k] = value[k];
        }
    }
}
