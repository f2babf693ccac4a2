using DroneScan.Core.Detection;
using DroneScan.Detection;
using DroneScan.Imaging.Pixels;
using DroneScan.Pipeline.Bench;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DroneScan.Pipeline.Detect;

/// <summary>
/// Runs a detector over one upright photo: optional GSD rescale, a tile plan at the model's input size, batches
/// of tiles filled into one reused tensor buffer, per-tile suppression, then merging across tiles; when the model
/// has a chip verifier, each merged box is then verified on a chip cut around it (<see cref="ChipWindow"/>) and
/// rescored (<see cref="VerifiedScore"/>). Boxes come back in pixels of the oriented original photo. One instance
/// per worker thread (it owns its buffers); the detector itself is shared.
/// </summary>
public sealed class TiledDetector(IDetector detector, TiledDetectionOptions options)
{
    private readonly float[] _batch = new float[Math.Max(1, detector.Info.FixedBatch ?? options.BatchSize) * 3 * detector.Info.InputSize * detector.Info.InputSize];

    // The second buffer of the double buffering: the next batch is filled into one while the model reads the other.
    private readonly float[] _nextBatch = new float[Math.Max(1, detector.Info.FixedBatch ?? options.BatchSize) * 3 * detector.Info.InputSize * detector.Info.InputSize];

    // The verifier's chips and their probabilities, made on first use (only models with a verifier need them).
    private float[]? _chips;
    private float[]? _probabilities;
    private ChipBoxDeltas[]? _deltas;

    public IDetector Detector { get; } = detector;

    /// <summary>The model's contract (the detector's <see cref="IDetector.Info"/>).</summary>
    public ModelInfo Model => Detector.Info;

    public TiledDetectionOptions Options { get; } = options;

    /// <summary>The rescale factor for a photo of this GSD (1 when either GSD is unknown or scaling is off).</summary>
    public double ScaleFor(double? photoGsdM)
    {
        double scale = Options.GsdScaling ? TilePlan.GsdScale(photoGsdM, Detector.Info.GsdM, Options.MinScale, Options.MaxScale) : 1;
        return Math.Abs(scale - 1) <= Options.ScaleTolerance ? 1 : scale;
    }

    /// <summary>
    /// The score a box needs from the detector (stage 1). Without a verifier it is <see cref="TiledDetectionOptions.MinScore"/>.
    /// With one it is the model's proposal score (<see cref="ModelInfo.ProposalScore"/>), or MinScore when that is
    /// lower (an evaluation's floor) or the model gives none, unless <see cref="TiledDetectionOptions.ProposalScore"/>
    /// fixes it; the final score then decides against MinScore.
    /// </summary>
    public float ProposalMinScore => Detector.Verifier is null
        ? Options.MinScore
        : Options.ProposalScore ?? Math.Min(Detector.Info.ProposalScore ?? Options.MinScore, Options.MinScore);

    /// <summary>Where stages are timed (benchmarks); null times nothing.</summary>
    public StageTimes? Times { get; init; }

    /// <summary>
    /// Detects in an upright image; <paramref name="image"/> is rescaled in place when the scale is not 1. With the
    /// photo's GSD (<paramref name="photoGsdM"/>, m per original pixel), boxes below
    /// <see cref="TiledDetectionOptions.MinObjectSizeM"/> are dropped.
    /// </summary>
    public PhotoDetections Detect(string file, Image<Rgb24> image, double scale, double? photoGsdM = null)
    {
        var prepared = Prepare(image, scale);
        using (prepared.FullFrame)
        {
            return Detect(file, prepared, photoGsdM);
        }
    }

    /// <summary>
    /// The part of detection that needs no model: the full-frame view (when asked for) and the GSD rescale, in
    /// place. Runs on the reading thread, one photo ahead, so it hides behind the model working on the previous photo.
    /// </summary>
    public PreparedPhoto Prepare(Image<Rgb24> image, double scale)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        Image<Rgb24>? fullFrame = null;
        if (Options.FullFrame)
        {
            int size = Detector.Info.InputSize;
            double r = Math.Min((double)size / width, (double)size / height);
            fullFrame = image.Clone(x => x.Resize(Math.Max(1, (int)Math.Round(width * r)), Math.Max(1, (int)Math.Round(height * r))));
        }

        using (Times.Time(ScanStage.Rescale))
        {
            PhotoDecoder.Rescale(image, scale);
        }

        return new PreparedPhoto(image, width, height, scale, fullFrame);
    }

    /// <summary>Detects in a photo made ready by <see cref="Prepare"/>; as <see cref="Detect(string, Image{Rgb24}, double, double?)"/>.</summary>
    public PhotoDetections Detect(string file, PreparedPhoto photo, double? photoGsdM = null)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var image = photo.Image;
        int width = photo.Width, height = photo.Height;
        double scale = photo.Scale;
        var found = new List<DetectionBox>();
        if (photo.FullFrame is { } small)
        {
            found.AddRange(DetectFullFrame(small, width, height));
        }

        var tiles = TilePlan.Create(image.Width, image.Height, Detector.Info.InputSize, Options.Overlap);
        int perBatch = _batch.Length / (3 * Detector.Info.InputSize * Detector.Info.InputSize);
        var (current, next) = (_batch, _nextBatch);
        FillBatch(image, tiles, 0, perBatch, current);
        for (int start = 0; start < tiles.Count; start += perBatch)
        {
            int count = Math.Min(perBatch, tiles.Count - start);

            // Double buffering: the next batch's tiles are copied on another thread while the model runs this one,
            // so the copy (about 5 % of the model's time) does not leave the model's cores idle.
            int nextStart = start + perBatch;
            var target = next;
            var filling = nextStart < tiles.Count ? Task.Run(() => FillBatch(image, tiles, nextStart, perBatch, target)) : Task.CompletedTask;
            IReadOnlyList<DetectionBox>[] results;
            try
            {
                using (Times.Time(ScanStage.Inference))
                {
                    results = Detector.Detect(current, Detector.Info.FixedBatch ?? count, ProposalMinScore);
                }
            }
            finally
            {
                // Never leave a fill running into a buffer the next photo may reuse, even when the model threw.
                filling.GetAwaiter().GetResult();
            }

            using (Times.Time(ScanStage.Merge))
            {
                for (int i = 0; i < count; i++)
                {
                    var tile = tiles[start + i];
                    foreach (var d in BoxMerger.Merge(results[i], Options.TileMerge))
                    {
                        // Tile pixels → rescaled image → oriented original.
                        var box = d.Box.Offset(tile.X, tile.Y).Scale(1 / scale);
                        found.Add(d with { Box = Clip(box, width, height) });
                    }
                }
            }

            (current, next) = (next, current);
        }

        IReadOnlyList<DetectionBox> merged;
        using (Times.Time(ScanStage.Merge))
        {
            double minSidePx = photoGsdM is > 0 && Options.MinObjectSizeM > 0 ? Options.MinObjectSizeM / photoGsdM.Value : 0;
            merged = BoxMerger.Merge(found.Where(d => d.Box.Area > 0 && Math.Max(d.Box.Width, d.Box.Height) >= minSidePx), Options.PhotoMerge);
        }

        return new PhotoDetections(file, width, height, scale, tiles.Count, Verify(image, scale, width, height, merged));
    }

    /// <summary>
    /// Stage 2: each candidate's chip, cut from <paramref name="image"/> (the photo as the model saw it, rescaled by
    /// <paramref name="scale"/>), goes through the verifier in batches; a candidate keeps its class, takes the
    /// combined score, and stays when that reaches <see cref="TiledDetectionOptions.MinScore"/>. A verifier that
    /// refines boxes (<see cref="VerifierInfo.RefinesBoxes"/>) also replaces each box with the one it places in the
    /// chip, and the refined boxes then go through <see cref="TiledDetectionOptions.RefinedMerge"/> (class-agnostic
    /// suppression at IoU 0.5 by default: two candidates refined onto one object are one hit). Best score first.
    /// Without a verifier, or without candidates, the candidates come back as they are and nothing runs. A verifier
    /// with a screen (<see cref="VerifierInfo.Screen"/>) runs only on the chips whose screen probability reaches
    /// <see cref="VerifierInfo.ScreenScore"/>; the others are dropped.
    /// </summary>
    private IReadOnlyList<DetectionBox> Verify(Image<Rgb24> image, double scale, int width, int height, IReadOnlyList<DetectionBox> candidates)
    {
        if (Detector.Verifier is not { } verifier || candidates.Count == 0)
        {
            return candidates;
        }

        using var timing = Times.Time(ScanStage.Verify);
        var info = verifier.Info;
        int size = info.ChipSize, plane = 3 * size * size;
        int perRun = Math.Max(1, info.FixedBatch ?? Options.VerifyBatchSize);
        _chips ??= new float[perRun * plane];
        _probabilities ??= new float[perRun];
        _deltas ??= info.RefinesBoxes ? new ChipBoxDeltas[perRun] : [];
        var windows = new ChipWindow[perRun];
        var indices = new int[perRun];
        var kept = new List<DetectionBox>(candidates.Count);
        for (int start = 0; start < candidates.Count; start += perRun)
        {
            int count = Math.Min(perRun, candidates.Count - start);
            for (int i = 0; i < count; i++)
            {
                // Boxes are in original-photo pixels; the chip is cut from the rescaled image the model saw.
                windows[i] = ChipWindow.Around(candidates[start + i].Box.Scale(scale), info.ChipContext, info.ChipMinPx);
                ChipSampler.Sample(image, windows[i], size, _chips.AsSpan(i * plane, plane));
            }

            // A screen first: only the chips it passes go on, moved to the front of the buffer in order.
            int verified = count;
            if (verifier.Screen is { } screen)
            {
                screen.Verify(_chips, info.FixedBatch ?? count, _probabilities);
                verified = 0;
                for (int i = 0; i < count; i++)
                {
                    if (_probabilities[i] >= info.ScreenScore)
                    {
                        if (verified != i)
                        {
                            _chips.AsSpan(i * plane, plane).CopyTo(_chips.AsSpan(verified * plane, plane));
                            windows[verified] = windows[i];
                        }

                        indices[verified++] = start + i;
                    }
                }

                if (verified == 0)
                {
                    continue;
                }
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    indices[i] = start + i;
                }
            }

            verifier.Verify(_chips, info.FixedBatch ?? verified, _probabilities, _deltas);
            for (int i = 0; i < verified; i++)
            {
                var candidate = candidates[indices[i]];
                float score = VerifiedScore.Combine(candidate.Score, _probabilities[i], info.VerifyWeight);
                if (score < Options.MinScore)
                {
                    continue;
                }

                var box = candidate.Box;
                if (info.RefinesBoxes && _deltas[i].IsFinite)
                {
                    // The refined box lies in the rescaled image's pixels, like its window: back to the photo's.
                    box = Clip(windows[i].Refine(_deltas[i]).Scale(1 / scale), width, height);
                }

                kept.Add(candidate with { Box = box, Score = score });
            }
        }

        // Dropping the boxes below MinScore first changes nothing here: greedy suppression removes a box only for a
        // better one, so the boxes above MinScore come out as if all had been suppressed together (verifier.py ablate).
        // Stable: equal scores keep the merge's order.
        return info.RefinesBoxes ? BoxMerger.Merge(kept, Options.RefinedMerge) : [.. kept.OrderByDescending(d => d.Score)];
    }

    /// <summary>Copies tiles <paramref name="start"/>… (at most <paramref name="perBatch"/>) into <paramref name="batch"/>.</summary>
    private void FillBatch(Image<Rgb24> image, IReadOnlyList<Tile> tiles, int start, int perBatch, float[] batch)
    {
        int size = Detector.Info.InputSize;
        int plane = 3 * size * size;
        using (Times.Time(ScanStage.Fill))
        {
            for (int i = 0; i < perBatch && start + i < tiles.Count; i++)
            {
                TensorFill.Fill(image, tiles[start + i], size, batch.AsMemory(i * plane, plane));
            }
        }
    }

    /// <summary>The model once on the whole photo, shrunk to fit one tile (<paramref name="small"/>).</summary>
    private List<DetectionBox> DetectFullFrame(Image<Rgb24> small, int width, int height)
    {
        int size = Detector.Info.InputSize;
        double r = Math.Min((double)size / width, (double)size / height);
        int plane = 3 * size * size;
        TensorFill.Fill(small, new Tile(0, 0, 0, small.Width, small.Height), size, _batch.AsMemory(0, plane));
        var result = Detector.Detect(_batch, Detector.Info.FixedBatch ?? 1, ProposalMinScore)[0];
        return BoxMerger.Merge(result, Options.TileMerge).Select(d => d with { Box = Clip(d.Box.Scale(1 / r), width, height) }).ToList();
    }

    private static PixelBox Clip(PixelBox b, int width, int height) =>
        new(Math.Clamp(b.X1, 0, width), Math.Clamp(b.Y1, 0, height), Math.Clamp(b.X2, 0, width), Math.Clamp(b.Y2, 0, height));
}

/// <summary>
/// A decoded photo made ready for the model: <see cref="Image"/> already rescaled by <see cref="Scale"/>, the
/// oriented original's size, and the full-frame view when asked for. Disposing it frees both images.
/// </summary>
public sealed record PreparedPhoto(Image<Rgb24> Image, int Width, int Height, double Scale, Image<Rgb24>? FullFrame = null) : IDisposable
{
    public void Dispose()
    {
        Image.Dispose();
        FullFrame?.Dispose();
    }
}
