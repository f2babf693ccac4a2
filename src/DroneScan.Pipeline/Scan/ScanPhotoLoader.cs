using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Hazards;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;
using DroneScan.Imaging.Pixels;
using DroneScan.Pipeline.Bench;
using DroneScan.Pipeline.Detect;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using NtsTopologyException = NetTopologySuite.Geometries.TopologyException;

namespace DroneScan.Pipeline.Scan;

/// <summary>
/// The reading half of a scan, run one photo ahead of the detector: reads the file once (its bytes give the
/// photo id, unless the photo is registered under one already, and the pixels), reads the metadata, georeferences,
/// and decodes. Everything that can go wrong with one file becomes a <see cref="LoadedPhoto"/> with a problem, never
/// an exception.
/// </summary>
/// <param name="root">The flight's folder, absolute; photos are given relative to it.</param>
/// <param name="georeference">How photos are placed on the ground.</param>
/// <param name="models">The models a photo may run through: the photo's metadata chooses one (<see cref="TiledModelSet.Choose"/>),
/// whose options bound the decoding and whose rescale is applied; their longest time limit bounds the whole read.</param>
/// <param name="alreadyProcessed">Photo ids a resumed scan need not redo.</param>
/// <param name="times">Stage timer for benchmarks, or null.</param>
internal sealed class ScanPhotoLoader(string root, GeoreferenceOptions georeference, TiledModelSet models, IReadOnlySet<string> alreadyProcessed, StageTimes? times = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    // First relative path of each content hash seen in this run: a second copy of a photo is one photo.
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    /// <param name="relative">The photo file, relative to the folder, '/'-separated.</param>
    /// <param name="photoId">The id the photo is registered under (its content hash at upload), or null to hash
    /// the bytes read. A registered photo keeps its id even when its file has become unreadable.</param>
    /// <param name="cancellationToken">Stops the bounded part of the work.</param>
    public LoadedPhoto Load(string relative, string? photoId = null, CancellationToken cancellationToken = default)
    {
        string fileName = Path.GetFileName(relative);
        byte[] bytes;
        var reading = times.Time(ScanStage.ReadHash);
        try
        {
            bytes = File.ReadAllBytes(Path.Combine(root, relative));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            reading.Dispose();
            string id = photoId ?? "unreadable:" + Hex(Encoding.UTF8.GetBytes(relative));
            return LoadedPhoto.Problem(new PhotoRecord { PhotoId = id, FileName = fileName, RelativePath = relative }, ScanPhotoOutcome.Failed, "unreadable-file", $"cannot read the file ({ex.Message})");
        }


        var record = new PhotoRecord { PhotoId = photoId ?? Hex(bytes), FileName = fileName, RelativePath = relative, SizeBytes = bytes.LongLength };
        reading.Dispose();
        if (!_seen.TryAdd(record.PhotoId, relative))
        {
            return LoadedPhoto.Problem(record, ScanPhotoOutcome.Skipped, "duplicate", $"same content as {_seen[record.PhotoId]}; used once", store: false);
        }

        if (alreadyProcessed.Contains(record.PhotoId))
        {
            return new LoadedPhoto(record, ScanPhotoOutcome.Resumed, null, null, null);
        }

        // Everything after the hash is bounded in time and touches no shared state (see PhotoTimeLimit).
        var limit = models.PhotoTimeLimit;
        return PhotoTimeLimit.TryRun(token => Prepare(record, bytes, relative, token), limit, late => late.Image?.Dispose(), cancellationToken, out var loaded)
            ? loaded
            : LoadedPhoto.Problem(record, ScanPhotoOutcome.Failed, "timeout", PhotoTimeLimit.Message(limit));
    }

    private LoadedPhoto Prepare(PhotoRecord record, byte[] bytes, string relative, CancellationToken cancellationToken)
    {
        GeoreferencedPhoto? photo;
        LoadedPhoto? problem;
        using (times.Time(ScanStage.Metadata))
        {
            (record, photo, problem) = Locate(record, bytes, relative);
        }

        if (problem is not null || photo is null)
        {
            return problem!;
        }

        var geo = photo.Georeference!;
        var choice = models.Choose(photo.Metadata);
        var detector = models.Detectors[choice.Index];
        try
        {
            Image<Rgb24> image;
            using (times.Time(ScanStage.Decode))
            using (var stream = new MemoryStream(bytes, writable: false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                image = PhotoDecoder.LoadOriented(stream, detector.Options.MaxPixels, cancellationToken);
            }

            record = record with { Width = image.Width, Height = image.Height };

            // Rescaling here, on the reading thread, hides it behind the model working on the previous photo.
            return new LoadedPhoto(record, ScanPhotoOutcome.Processed, photo, detector.Prepare(image, detector.ScaleFor(geo.CentreGsdM)), null)
            {
                Model = choice.Index,
                ModelNote = choice.Note,
            };
        }
        catch (PhotoDecodeException ex)
        {
            return LoadedPhoto.Problem(record, ScanPhotoOutcome.Failed, ex.Code, ex.Message);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // A decoder failing on a crafted or damaged file concerns that file only.
            return LoadedPhoto.Problem(record, ScanPhotoOutcome.Failed, "damaged-image", $"damaged image ({ex.GetType().Name}: {ex.Message})");
        }
    }

    /// <summary>Metadata, camera model, georeference and footprint: the photo placed on the ground, or why not.</summary>
    private (PhotoRecord Record, GeoreferencedPhoto? Photo, LoadedPhoto? Problem) Locate(PhotoRecord record, byte[] bytes, string relative)
    {
        PhotoMetadata metadata;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            // From the bytes already read for the hash: the file is opened once per photo.
            metadata = PhotoMetadataReader.Read(Path.Combine(root, relative), stream);
        }

        var photo = PhotoGeoreferencer.Resolve(metadata, georeference);
        record = record with
        {
            CapturedAt = metadata.CapturedAt?.Utc,
            // NaN or out-of-range GPS (the georeferencer reports it) is no position to store.
            Position = metadata is { LatitudeDeg: { } lat, LongitudeDeg: { } lon } && Math.Abs(lat) <= 90 && Math.Abs(lon) <= 180 ? new GeoPoint(lat, lon) : null,
            AltitudeAglM = photo.AltitudeAglM,
            MetadataJson = MetadataJson(photo),
        };
        if (metadata.Diagnostics.FirstOrDefault(d => d.Code == DiagnosticCodes.Unreadable) is { } unreadable)
        {
            return (record, null, LoadedPhoto.Problem(record, ScanPhotoOutcome.Failed, unreadable.Code, unreadable.Message));
        }

        if (photo.Georeference is not { } geo)
        {
            var errors = photo.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            string code = errors.Count > 0 ? errors[0].Code : "not-georeferenced";
            string message = errors.Count > 0
                ? "cannot be placed on the ground: " + string.Join("; ", errors.Select(d => $"{d.Field}: {d.Message}"))
                : "cannot be placed on the ground";
            return (record, null, LoadedPhoto.Problem(record, ScanPhotoOutcome.Skipped, code, message));
        }

        try
        {
            record = record with { GsdM = geo.CentreGsdM, Footprint = geo.Footprint().Footprint };
        }
        catch (NtsTopologyException ex)
        {
            // Degenerate geometry from extreme metadata concerns this photo only.
            return (record, null, LoadedPhoto.Problem(record, ScanPhotoOutcome.Skipped, DiagnosticCodes.InvalidValue, $"footprint: {ex.Message}"));
        }

        return (record, photo, null);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Where the camera model came from, kept with the photo for provenance.</summary>
    private static string MetadataJson(GeoreferencedPhoto photo) => JsonSerializer.Serialize(
        new Dictionary<string, object?>
        {
            ["make"] = photo.Metadata.Make,
            ["model"] = photo.Metadata.Model,
            ["capturedAt"] = photo.Metadata.CapturedAt?.ToIso8601(),
            ["altitudeAglM"] = photo.AltitudeAglM,
            ["altitudeSource"] = photo.AltitudeSource,
            ["attitudeSource"] = photo.AttitudeSource,
            ["focalLengthPx"] = photo.FocalLengthPx,
            ["focalLengthSource"] = photo.FocalLengthSource,
            ["gpsSigmaSource"] = photo.GpsSigmaSource,
            ["diagnostics"] = photo.Diagnostics.Select(d => d.ToString()).ToArray(),
        },
        Json);
}

/// <summary>One photo read ahead of the detector: ready to detect (<see cref="Image"/> set, decoded and
/// rescaled for the model it goes to, <see cref="Model"/>), or already decided.</summary>
internal sealed record LoadedPhoto(
    PhotoRecord Record,
    ScanPhotoOutcome Outcome,
    GeoreferencedPhoto? Photo,
    PreparedPhoto? Image,
    SkippedPhoto? Failure,
    bool Store = true)
{
    /// <summary>The index of the photo's model in the loader's <see cref="TiledModelSet"/> (0 for a fixed set).</summary>
    public int Model { get; init; }

    /// <summary>Why the model choice was not the plain one (<see cref="ModelChoice.Note"/>), or null.</summary>
    public string? ModelNote { get; init; }

    public static LoadedPhoto Problem(PhotoRecord record, ScanPhotoOutcome outcome, string code, string message, bool store = true) =>
        new(record, outcome, null, null, new SkippedPhoto(record.RelativePath ?? record.FileName, code, $"{record.RelativePath ?? record.FileName}: {message}"), store);
}
