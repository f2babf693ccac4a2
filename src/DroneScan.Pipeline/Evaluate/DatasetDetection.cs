using DroneScan.Core.Evaluation;
using DroneScan.Core.Photos;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Pipeline.Evaluate;

/// <summary>An image of the dataset with its labels in pixels and its detections.</summary>
public sealed record EvaluatedImage(DatasetImage Source, EvaluationImage Evaluation);

/// <summary>An image that could not be decoded, and why.</summary>
public sealed record UnreadableImage(DatasetImage Source, string Error);

/// <summary>The detector's output over a dataset, ready for <see cref="DetectionEvaluator"/>.</summary>
public sealed record DatasetDetections(IReadOnlyList<EvaluatedImage> Images, IReadOnlyList<UnreadableImage> Unreadable);

/// <summary>
/// Runs the tiled detector over every image of a dataset and turns each image's labels into pixel boxes in the
/// image's upright size (labels refer to the EXIF-oriented image, as Ultralytics reads them). Dataset images
/// carry no ground sample distance, so the detector's options should have GSD scaling off.
/// </summary>
public sealed class DatasetDetection(TiledDetector detector)
{
    public async Task<DatasetDetections> RunAsync(YoloDataset dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var images = new List<EvaluatedImage>();
        var unreadable = new List<UnreadableImage>();
        var runner = new DetectRunner(detector, new GeoreferenceOptions());

        // DetectRunner yields one result per file, in order.
        int i = 0;
        await foreach (var result in runner.RunAsync(dataset.Images.Select(d => d.ImagePath), cancellationToken).ConfigureAwait(false))
        {
            var source = dataset.Images[i++];
            if (result.Error is not null)
            {
                unreadable.Add(new UnreadableImage(source, result.Error));
                continue;
            }

            var truth = source.Labels.Select(l => l.ToPixels(result.Width, result.Height)).ToList();
            images.Add(new EvaluatedImage(source, new EvaluationImage(source.RelativePath, result.Width, result.Height, truth, result.Detections)));
        }

        return new DatasetDetections(images, unreadable);
    }
}
