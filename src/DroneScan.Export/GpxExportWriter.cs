using System.Globalization;
using System.Text;
using System.Xml;
using DroneScan.Core.Hazards;
using NetTopologySuite.IO;

namespace DroneScan.Export;

/// <summary>
/// GPX 1.1 waypoints for field teams' handheld GPS units: name = short id + class (units show few characters),
/// desc = confidence, uncertainty and status, cmt = the reviewer's evidence, type = class, time = first capture.
/// </summary>
internal static class GpxExportWriter
{
    public static void Write(IReadOnlyList<ExportData> flights, Stream output)
    {
        var waypoints = flights.SelectMany(f => f.Hazards).Select(Waypoint).ToArray();
        var models = string.Join(", ", flights.Select(f => $"{f.Flight.ModelName} {f.Flight.ModelVersion}").Distinct(StringComparer.Ordinal));
        var metadata = new GpxMetadata(
            creator: "DroneScan",
            name: ExportSchema.FlightNames(flights),
            description: flights.Count == 1
                ? $"DroneScan hazard points of flight {flights[0].Flight.FlightId}, model {models}"
                : $"DroneScan hazard points of flights {ExportSchema.FlightIds(flights)}, models {models}",
            author: null,
            copyright: null,
            links: default,
            creationTimeUtc: flights.Max(f => f.Flight.ProcessedAt).UtcDateTime,
            keywords: null,
            bounds: null,
            extensions: null);

        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true };
        using var xml = XmlWriter.Create(output, settings);
        GpxWriter.Write(xml, new GpxWriterSettings(), metadata, waypoints, [], [], null);
    }

    private static GpxWaypoint Waypoint(ReviewedHazard hazard)
    {
        var p = hazard.Point;
        string status = ExportSchema.StatusCode(hazard.Status);
        string className = hazard.FinalClass;
        string description = string.Create(
            CultureInfo.InvariantCulture,
            $"{className}, confidence max {p.MaxConfidence:0.00} mean {p.MeanConfidence:0.00}, {p.ObservationCount} photos, "
            + $"uncertainty sigma {p.SigmaM:0.0} m r90 {p.R90M:0.0} m, status {status}");
        if (hazard.LatestReview is { } review)
            description += $", reviewed by {review.Reviewer} {ExportTable.FormatTimestamp(review.ReviewedAt)}";

        var firstCapture = p.Observations.Select(o => o.CaptureTime).Where(t => t.HasValue).Min();
        return new GpxWaypoint(new GpxLongitude(p.Position.LongitudeDeg), new GpxLatitude(p.Position.LatitudeDeg))
            .WithName($"{ExportSchema.ShortId(p.Id)} {className}")
            .WithDescription(description)
            .WithComment(hazard.LatestReview?.Evidence)
            .WithClassification(className)
            .WithTimestampUtc(firstCapture?.UtcDateTime);
    }
}
