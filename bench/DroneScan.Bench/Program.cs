using System.Diagnostics;
using System.Globalization;
using DroneScan.Core.Detection;
using DroneScan.Core.Photos;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

// Usage:
//   dotnet run -c Release --project bench/DroneScan.Bench -- MODEL [PHOTOS] [BATCH] [THREADS]
// Measures in one run, with the same session, batch size and threads:
//   (a) the model alone on exactly the tiles a 5472 × 3648 photo is cut into, in a tight loop;
//   (b) tiled detection end to end (decode, tensor fill, inference, merging) on PHOTOS synthetic 20-MP JPEGs.
var culture = CultureInfo.InvariantCulture;
string modelPath = args.Length > 0 ? args[0] : throw new ArgumentException("usage: MODEL [PHOTOS] [BATCH] [THREADS]");
int photos = args.Length > 1 ? int.Parse(args[1], culture) : 3;
int batch = args.Length > 2 ? int.Parse(args[2], culture) : 4;
int threads = args.Length > 3 ? int.Parse(args[3], culture) : 0;
const int Width = 5472, Height = 3648;

using var detector = OnnxDetector.Load(modelPath, new DetectorOptions { IntraOpThreads = threads });
int size = detector.Info.InputSize;
var options = new TiledDetectionOptions { BatchSize = batch, GsdScaling = false };
var tiles = TilePlan.Create(Width, Height, size, options.Overlap);
Console.WriteLine(string.Create(culture, $"model {detector.Info.Name} ({Path.GetFileName(modelPath)}), input {size}, batch {batch}, threads {threads}, {Environment.ProcessorCount} cores"));
Console.WriteLine(string.Create(culture, $"photo {Width} × {Height} → {tiles.Count} tiles of {size} px (overlap {options.Overlap})"));

// (a) Model alone: random tiles, the photo's tile count, batches as the pipeline sends them.
var rng = new Random(1);
var buffer = new float[batch * 3 * size * size];
for (int i = 0; i < buffer.Length; i++)
{
    buffer[i] = (float)rng.NextDouble();
}

void RunTiles()
{
    for (int start = 0; start < tiles.Count; start += batch)
    {
        detector.Detect(buffer, Math.Min(batch, tiles.Count - start), options.MinScore);
    }
}

RunTiles(); // warm-up
var sw = Stopwatch.StartNew();
int rounds = Math.Max(1, photos);
for (int r = 0; r < rounds; r++)
{
    RunTiles();
}

double modelMsPerPhoto = sw.Elapsed.TotalMilliseconds / rounds;
Console.WriteLine(string.Create(culture, $"(a) model alone: {modelMsPerPhoto / tiles.Count:0.0} ms per tile, {modelMsPerPhoto:0} ms per photo's tiles"));

// (b) End to end on synthetic 20-MP photos (textured noise, JPEG quality 90), written once.
string folder = Path.Combine(Path.GetTempPath(), "dronescan-bench-photos");
Directory.CreateDirectory(folder);
var files = new List<string>();
for (int i = 0; i < photos; i++)
{
    string path = Path.Combine(folder, $"synthetic-{i:000}.jpg");
    if (!File.Exists(path))
    {
        using var image = new Image<Rgb24>(Width, Height);
        var prng = new Random(i);
        image.ProcessPixelRows(a =>
        {
            for (int y = 0; y < a.Height; y++)
            {
                var row = a.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    byte v = (byte)(90 + ((x / 7) + (y / 5)) % 60 + prng.Next(40));
                    row[x] = new Rgb24(v, (byte)(v - 10), (byte)(v - 30));
                }
            }
        });
        image.SaveAsJpeg(path, new JpegEncoder { Quality = 90 });
    }

    files.Add(path);
}

var runner = new DetectRunner(new TiledDetector(detector, options), new GeoreferenceOptions());
sw.Restart();
int done = 0;
await foreach (var result in runner.RunAsync(files))
{
    if (result.Error is not null)
    {
        throw new InvalidOperationException(result.Error);
    }

    done++;
}

double e2eMsPerPhoto = sw.Elapsed.TotalMilliseconds / done;
Console.WriteLine(string.Create(culture, $"(b) end to end: {e2eMsPerPhoto:0} ms per photo, {e2eMsPerPhoto / tiles.Count:0.0} ms per tile, {Width * (double)Height / 1e6 / (e2eMsPerPhoto / 1000):0.0} MP/s"));
Console.WriteLine(string.Create(culture, $"ratio (b)/(a): {e2eMsPerPhoto / modelMsPerPhoto:0.00}; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB"));
