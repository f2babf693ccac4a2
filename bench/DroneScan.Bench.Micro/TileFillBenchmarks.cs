using BenchmarkDotNet.Attributes;
using DroneScan.Core.Detection;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Bench.Micro;

/// <summary>Decoding a 20-MP JPEG (5472 × 3648, quality 90) and filling one 640-px tile into the input tensor.</summary>
[MemoryDiagnoser]
public class TileFillBenchmarks
{
    private const int Size = 640;
    private readonly float[] _tensor = new float[3 * Size * Size];
    private byte[] _jpeg = [];
    private Image<Rgb24> _image = null!;
    private Tile _inside;
    private Tile _edge;

    [GlobalSetup]
    public void Setup()
    {
        using (var image = new Image<Rgb24>(5472, 3648))
        {
            var rng = new Random(1);
            image.ProcessPixelRows(a =>
            {
                for (int y = 0; y < a.Height; y++)
                {
                    var row = a.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++)
                    {
                        byte v = (byte)(90 + (((x / 7) + (y / 5)) % 60) + rng.Next(40));
                        row[x] = new Rgb24(v, (byte)(v - 10), (byte)(v - 30));
                    }
                }
            });
            using var stream = new MemoryStream();
            image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
            _jpeg = stream.ToArray();
        }

        _image = PhotoDecoder.LoadOriented(new MemoryStream(_jpeg, writable: false));
        var tiles = TilePlan.Create(_image.Width, _image.Height, Size, 0.2);
        _inside = tiles[0];
        _edge = tiles[^1];
    }

    [GlobalCleanup]
    public void Cleanup() => _image.Dispose();

    [Benchmark]
    public int Decode20MpJpeg()
    {
        using var image = PhotoDecoder.LoadOriented(new MemoryStream(_jpeg, writable: false));
        return image.Width;
    }

    [Benchmark]
    public void FillTile() => TensorFill.Fill(_image, _inside, Size, _tensor);

    [Benchmark]
    public void FillEdgeTile() => TensorFill.Fill(_image, _edge, Size, _tensor);
}
