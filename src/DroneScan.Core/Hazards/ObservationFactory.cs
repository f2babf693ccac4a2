using DroneScan.Core.Camera;
using DroneScan.Core.Detection;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Photos;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace DroneScan.Core.Hazards;

/// <summary>A detection that could not be placed on the ground, and why.</summary>
/// <param name="PhotoId">Content hash of the photo.</param>
/// <param name="DetectionIndex">Index of the box within its photo.</param>
/// <param name="Code">Stable machine code: <c>not-georeferenced</c> or <c>no-ground</c>.</param>
/// <param name="Reason">Message a person can act on.</param>
public sealed record SkippedDetection(string PhotoId, int DetectionIndex, string Code, string Reason);

/// <summary>The observations of one photo, and the detections that were left out.</summary>
public sealed record PhotoObservations(IReadOnlyList<Observation> Observations, IReadOnlyList<SkippedDetection> Skipped);

/// <summary>
/// Places a photo's detections on the ground: the box centre through the photo's camera model, the four box
/// corners as a ground polygon, and the photo's error model at the centre pixel. The GNSS part of that error is
/// recorded separately (<see cref="Observation.SharedSigmaM"/>) because photos taken seconds apart share it;
/// <see cref="HazardClusterer"/> relies on that to keep nearby objects apart.
/// </summary>
public static class ObservationFactory
{
    /// <summary>
    /// One observation per detection whose box centre sees the ground. Boxes are never dropped silently: a box
    /// whose centre is at or above the horizon, or every box of a photo without a georeference, comes back in
    /// <see cref="PhotoObservations.Skipped"/>.
    /// </summary>
    /// <param name="photo">The photo with its camera model.</param>
    /// <param name="photoId">The photo's content hash.</param>
    /// <param name="detections">Detector boxes in oriented-image pixels; the list index becomes
    /// <see cref="Observation.DetectionIndex"/>.</param>
    /// <param name="classNames">Model class names by class id; an id outside the list is named <c>class-{id}</c>
    /// rather than dropped (a hazard is never lost to a label mismatch).</param>
    public static PhotoObservations FromPhoto(GeoreferencedPhoto photo, string photoId, IReadOnlyList<DetectionBox> detections, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(classNames);

        var observations = new List<Observation>(detections.Count);
        var skipped = new List<SkippedDetection>();
        var georeference = photo.Georeference;
        if (georeference is null)
        {
            for (int i = 0; i < detections.Count; i++)
            {
                skipped.Add(new SkippedDetection(photoId, i, "not-georeferenced", $"{photo.Metadata.FileName}: the photo has no camera model (see its diagnostics), so its detections cannot be placed on the ground."));
            }

            return new PhotoObservations(observations, skipped);
        }

        // The GNSS antenna error moves every ground point of a photo alike, and changes slowly along a flight.
        var e = georeference.Errors;
        double sharedSigmaM = Math.Sqrt(((e.GpsSigmaEastM * e.GpsSigmaEastM) + (e.GpsSigmaNorthM * e.GpsSigmaNorthM)) / 2);
        var captureTime = photo.Metadata.CapturedAt?.Utc;

        for (int i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (georeference.Locate(d.Box.Centre) is not { } ground)
            {
                skipped.Add(new SkippedDetection(photoId, i, "no-ground", $"{photo.Metadata.FileName}: box {i} ({d.Box.Centre.U:F0}, {d.Box.Centre.V:F0}) px is at or above the horizon."));
                continue;
            }

            string className = d.ClassId >= 0 && d.ClassId < classNames.Count ? classNames[d.ClassId] : $"class-{d.ClassId}";
            // Over a DEM the ground point's own height; with a laser alone, the level of the laser target.
            double? groundElevation = georeference.Terrain is not null ? georeference.Frame.OriginHeightM + ground.OffsetFromCamera.UpM : photo.GroundElevationM;
            observations.Add(new Observation(
                photoId, i, className, d.Score, d.Box, ground.Position, GroundBox(georeference, d.Box), ground.Uncertainty, sharedSigmaM, captureTime,
                groundElevation, photo.AltitudeSource));
        }

        return new PhotoObservations(observations, skipped);
    }

    /// <summary>The box corners on the ground (WGS84, counter-clockwise), or null when a corner sees no ground.</summary>
    private static Polygon? GroundBox(PhotoGeoreference georeference, PixelBox box)
    {
        PixelPoint[] corners = [new(box.X1, box.Y1), new(box.X2, box.Y1), new(box.X2, box.Y2), new(box.X1, box.Y2)];
        var ring = new Coordinate[5];
        for (int i = 0; i < 4; i++)
        {
            if (georeference.PixelToGround(corners[i]) is not GeoPoint g)
            {
                return null;
            }

            ring[i] = new Coordinate(g.LongitudeDeg, g.LatitudeDeg);
        }

        ring[4] = ring[0].Copy();
        if (!Orientation.IsCCW(ring))
        {
            Array.Reverse(ring);
        }

        return Geometries.Wgs84.CreatePolygon(ring);
    }
}
