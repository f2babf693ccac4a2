using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Imaging.Pixels;

/// <summary>A photo whose pixels cannot be used, with the reason (the caller adds the file name) and a code:
/// <see cref="DamagedImage"/>, <see cref="UnsupportedFormat"/> or <see cref="TooLarge"/>.</summary>
public sealed class PhotoDecodeException : Exception
{
    public const string DamagedImage = "damaged-image";
    public const string UnsupportedFormat = "unsupported-format";
    public const string TooLarge = "image-too-large";

    public PhotoDecodeException(string message, string code, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>What kind of problem, for reports: one of the constants of this class.</summary>
    public string Code { get; } = DamagedImage;

    public PhotoDecodeException()
    {
    }

    public PhotoDecodeException(string message)
        : base(message)
    {
    }

    public PhotoDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Decodes photos into upright RGB pixels. ImageSharp 2.1 is configured with only the decoders DroneScan needs
/// (JPEG, PNG, TIFF): other formats, and GIF/BMP/WebP renamed .jpg, are refused rather than parsed. The header
/// is identified first and a photo over the pixel limit is refused before any pixel is decoded.
/// </summary>
public static class PhotoDecoder
{
    /// <summary>Default limit: 150 megapixels (a 100 MP medium-format frame passes; a decompression bomb does not).</summary>
    public const long DefaultMaxPixels = 150_000_000;

    public static Configuration Configuration { get; } = new(new JpegConfigurationModule(), new PngConfigurationModule(), new TiffConfigurationModule());

    /// <summary>Decodes a photo and applies its EXIF Orientation, so pixel (0, 0) is the top-left of the upright
    /// image: the oriented frame every DroneScan pixel coordinate refers to.</summary>
    /// <exception cref="PhotoDecodeException">The file cannot be read, is not a JPEG/PNG/TIFF, is over the pixel
    /// limit, or its image data is damaged. No other exception escapes for a bad file.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (e.g. a per-photo time limit).</exception>
    public static Image<Rgb24> LoadOriented(string path, long maxPixels = DefaultMaxPixels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = File.OpenRead(path);
            return LoadOriented(stream, maxPixels, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new PhotoDecodeException(ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new PhotoDecodeException("permission denied", ex);
        }
    }

    /// <summary>Decodes a photo already in memory (e.g. bytes read once to hash and decode); as
    /// <see cref="LoadOriented(string, long, CancellationToken)"/>. The stream must be seekable.</summary>
    public static Image<Rgb24> LoadOriented(Stream stream, long maxPixels = DefaultMaxPixels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            var format = Image.DetectFormat(Configuration, stream) ?? throw new PhotoDecodeException(NotAnImage, PhotoDecodeException.UnsupportedFormat);
            stream.Position = 0;
            var info = Image.Identify(Configuration, stream) ?? throw new PhotoDecodeException(NotAnImage, PhotoDecodeException.UnsupportedFormat);
            long pixels = (long)info.Width * info.Height;
            if (info.Width < 1 || info.Height < 1)
            {
                throw new PhotoDecodeException($"declared size {info.Width} × {info.Height} is empty");
            }

            if (pixels > maxPixels)
            {
                throw new PhotoDecodeException($"declared size {info.Width} × {info.Height} ({pixels / 1e6:0.#} MP) is over the {maxPixels / 1e6:0.#} MP limit", PhotoDecodeException.TooLarge);
            }

            if (format is JpegFormat && !EndsAfterLastScan(stream))
            {
                // ImageSharp fills a cut-off scan with grey and reports nothing: the detector would search half an image.
                throw new PhotoDecodeException("truncated: the JPEG ends inside its image data (no end-of-image marker after the last scan)");
            }

            stream.Position = 0;
            var decoder = Configuration.ImageFormatsManager.FindDecoder(format) ?? throw new PhotoDecodeException(NotAnImage, PhotoDecodeException.UnsupportedFormat);
            var image = decoder.Decode<Rgb24>(Configuration, stream, cancellationToken);
            try
            {
                image.Mutate(x => x.AutoOrient());
                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
        catch (UnknownImageFormatException ex)
        {
            throw new PhotoDecodeException(NotAnImage, PhotoDecodeException.UnsupportedFormat, ex);
        }
        catch (IOException ex)
        {
            throw new PhotoDecodeException(ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new PhotoDecodeException("permission denied", ex);
        }
        catch (Exception ex) when (IsDamagedData(ex, cancellationToken))
        {
            // ImageSharp 2.1 reports damaged data with its own exceptions (InvalidImageContentException,
            // ImageFormatException, NotSupportedException) but also, for crafted files, with the runtime's
            // (index/argument out of range, overflow, invalid operation, null reference). All concern this file.
            throw new PhotoDecodeException($"damaged image data ({Describe(ex)})", ex);
        }
    }

    private const string NotAnImage = "not a JPEG, PNG or TIFF image";

    /// <summary>True when an end-of-image marker (FF D9) follows the last start-of-scan marker (FF DA). Entropy-coded
    /// data cannot contain either (FF is stuffed as FF 00), so a JPEG cut inside its scan data has no EOI after
    /// its last SOS; an EXIF thumbnail's markers come before the main image's; bytes after the EOI are ignored.</summary>
    private static bool EndsAfterLastScan(Stream stream)
    {
        stream.Position = 0;
        ReadOnlySpan<byte> data;
        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            data = buffer.AsSpan();
        }
        else
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            data = copy.ToArray();
        }

        int lastScan = data.LastIndexOf([(byte)0xFF, (byte)0xDA]);
        return lastScan >= 0 && data[lastScan..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
    }

    private static bool IsDamagedData(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        PhotoDecodeException or OutOfMemoryException or InsufficientExecutionStackException => false,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => true,
    };

    private static string Describe(Exception ex) => ex is ImageFormatException or NotSupportedException
        ? ex.Message
        : $"{ex.GetType().Name}: {ex.Message}";

    /// <summary>Resizes in place by a factor (GSD normalisation); a factor of 1 does nothing.</summary>
    public static void Rescale(Image<Rgb24> image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Math.Abs(factor - 1) < 1e-9)
        {
            return;
        }

        int w = Math.Max(1, (int)Math.Round(image.Width * factor));
        int h = Math.Max(1, (int)Math.Round(image.Height * factor));
        image.Mutate(x => x.Resize(w, h, factor < 1 ? KnownResamplers.Box : KnownResamplers.Bicubic));
    }
}
