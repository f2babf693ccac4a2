using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;
using DroneScan.Imaging.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DroneScan.Pipeline.Detect;

/// <summary>
/// Detects over many photos with decoding and inference overlapped: a background task reads the metadata,
/// decodes and rescales the next photo (one ahead) while the model runs on the current one. A photo that cannot be read
/// yields a result with its error; the run goes on.
/// </summary>
/// <remarks>With several tiled detectors, each photo goes to the one <see cref="SensorModelChooser"/> picks for its
/// sensor (automatic model choice); with one, every photo goes to it.</remarks>
public sealed class DetectRunner
{
    private readonly IReadOnlyList<TiledDetector> _detectors;
    private readonly SensorModelChooser _chooser;
    private readonly GeoreferenceOptions georeference;

    /// <summary>Every photo runs through <paramref name="detector"/>.</summary>
    public DetectRunner(TiledDetector detector, GeoreferenceOptions georeference)
    {
        ArgumentNullException.ThrowIfNull(detector);
        _detectors = [detector];
        _chooser = SensorModelChooser.Fixed(detector.Detector);
        this.georeference = georeference;
    }

    /// <summary>Each photo runs through the detector of its sensor (<see cref="SensorModelChooser.Automatic"/>).</summary>
    public DetectRunner(IReadOnlyList<TiledDetector> detectors, GeoreferenceOptions georeference)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        _detectors = detectors;
        _chooser = detectors.Count == 1 ? SensorModelChooser.Fixed(detectors[0].Detector) : SensorModelChooser.Automatic([.. detectors.Select(d => d.Detector)]);
        this.georeference = georeference;
    }

    /// <summary>Photos decoded ahead of inference; each upright 20 MP photo is ~60 MB of RGB.</summary>
    public int DecodeAhead { get; init; } = 1;

    public async IAsyncEnumerable<PhotoDetections> RunAsync(IEnumerable<string> files, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<Decoded>(new BoundedChannelOptions(DecodeAhead) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(files, channel.Writer, cancellationToken), cancellationToken);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                if (item.Image is null)
                {
                    yield return PhotoDetections.Failed(item.File, item.Error!);
                    continue;
                }

                PhotoDetections result;
                using (item.Image)
                {
                    result = item.Detector!.Detect(item.File, item.Image, item.GsdM) with { Model = item.Detector.Model, ModelNote = item.ModelNote };
                }

                yield return result;
            }
        }
        finally
        {
            await producer.ConfigureAwait(false);
        }
    }

    /// <summary>Reads, decodes and works out the rescale of one photo, within the per-photo time limit; failures
    /// become results whose error starts with its code (<c>damaged-image</c>, <c>timeout</c>).</summary>
    internal Decoded Decode(string file, CancellationToken cancellationToken = default)
    {
        var limit = _detectors.Max(d => d.Options.PhotoTimeLimit);
        return PhotoTimeLimit.TryRun(token => DecodeUnbounded(file, token), limit, late => late.Image?.Dispose(), cancellationToken, out var decoded)
            ? decoded
            : new Decoded(file, null, "timeout: " + PhotoTimeLimit.Message(limit));
    }

    private Decoded DecodeUnbounded(string file, CancellationToken cancellationToken)
    {
        try
        {
            // The metadata chooses the model (automatic choice); the GSD drives the rescale and the size gate.
            // With one model and neither, the metadata is not worth reading.
            var detector = _detectors[0];
            string? note = null;
            double? gsd = null;
            bool automatic = _detectors.Count > 1;
            if (automatic || detector.Options.GsdScaling || detector.Options.MinObjectSizeM > 0)
            {
                var metadata = PhotoMetadataReader.Read(file);
                if (automatic)
                {
                    var choice = _chooser.Choose(metadata);
                    detector = _detectors.First(d => ReferenceEquals(d.Detector, choice.Detector));
                    note = choice.Note;
                }

                if ((detector.Options.GsdScaling || detector.Options.MinObjectSizeM > 0)
                    && PhotoGeoreferencer.Resolve(metadata, georeference).Georeference is { } g)
                {
                    gsd = g.CentreGsdM;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            var image = PhotoDecoder.LoadOriented(file, detector.Options.MaxPixels, cancellationToken);

            // Rescaling here, one photo ahead, hides it behind the model working on the previous photo.
            return new Decoded(file, detector.Prepare(image, detector.ScaleFor(gsd)), null, gsd) { Detector = detector, ModelNote = note };
        }
        catch (PhotoDecodeException ex)
        {
            return new Decoded(file, null, $"{ex.Code}: {ex.Message}");
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // A decoder failing on a crafted or damaged file concerns that file only.
            return new Decoded(file, null, $"damaged-image: damaged image ({ex.GetType().Name}: {ex.Message})");
        }
    }

    private async Task ProduceAsync(IEnumerable<string> files, ChannelWriter<Decoded> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var file in files)
            {
                var decoded = Decode(file, cancellationToken);
                try
                {
                    await writer.WriteAsync(decoded, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    decoded.Image?.Dispose();
                    throw;
                }
            }

            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.Complete(ex);
        }
    }

    internal sealed record Decoded(string File, PreparedPhoto? Image, string? Error, double? GsdM = null)
    {
        /// <summary>The detector chosen for the photo (set when it was decoded).</summary>
        public TiledDetector? Detector { get; init; }

        public string? ModelNote { get; init; }
    }
}
