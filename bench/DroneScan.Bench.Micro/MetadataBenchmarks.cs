using BenchmarkDotNet.Attributes;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;

namespace DroneScan.Bench.Micro;

/// <summary>
/// Reading a drone photo's metadata (EXIF, GPS, DJI XMP) and resolving its camera model: from the file (a second
/// open, as <c>inspect</c> does) and from the bytes a scan has already read to hash the photo.
/// The photo is the first of the committed demo flight (2000 × 1500; metadata cost does not grow with pixels,
/// the reader stops at the image data), or the file <c>DRONESCAN_BENCH_PHOTO</c> names.
/// </summary>
[MemoryDiagnoser]
public class MetadataBenchmarks
{
    private string _path = "";
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _path = Environment.GetEnvironmentVariable("DRONESCAN_BENCH_PHOTO") is { Length: > 0 } given
            ? given
            : Directory.GetFiles(RepoFolder("data-samples/demo-flight"), "*.jpg").Order(StringComparer.Ordinal).First();
        _bytes = File.ReadAllBytes(_path);
    }

    [Benchmark]
    public PhotoMetadata ReadFromFile() => PhotoMetadataReader.Read(_path);

    [Benchmark]
    public PhotoMetadata ReadFromBytes()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        return PhotoMetadataReader.Read(_path, stream);
    }

    [Benchmark]
    public GeoreferencedPhoto ReadAndGeoreference()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        return PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(_path, stream), new GeoreferenceOptions());
    }

    [Benchmark]
    public object? ReadGeoreferenceAndFootprint()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        var photo = PhotoGeoreferencer.Resolve(PhotoMetadataReader.Read(_path, stream), new GeoreferenceOptions());
        return photo.Georeference?.Footprint().Footprint;
    }

    /// <summary>A folder of the repository, found upwards from the working folder (BenchmarkDotNet runs from bin/).</summary>
    internal static string RepoFolder(string relative)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"{relative} not found above {Environment.CurrentDirectory}");
    }
}
