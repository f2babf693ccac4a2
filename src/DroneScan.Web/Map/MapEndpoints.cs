using DroneScan.Core.Flights;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;
using DroneScan.Pipeline.Scan;
using DroneScan.Web.Files;
using DroneScan.Web.Hosting;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace DroneScan.Web.Map;

/// <summary>
/// What the map page needs beyond the hazard list, for any signed-in user: <c>GET /api/flights/{id}/map</c> (photos
/// with footprints and corners, suggested areas, each point's relative and absolute error), the photos' reduced
/// copies <c>GET /api/flights/{id}/photos/{photoId}/overlay</c>, and the offline base map, <c>GET /api/basemap</c>
/// and its tiles <c>GET /api/basemap/{z}/{x}/{y}</c>. Nothing here leaves the server: the map works offline.
/// </summary>
public static class MapEndpoints
{
    /// <summary>The tile address template the page is given (relative to the site).</summary>
    public const string TileTemplate = "api/basemap/{z}/{x}/{y}";

    /// <summary>The map's services: the base map (checked on start when <c>Ui:BaseMapFile</c> is set) and the photo copies.</summary>
    public static IServiceCollection AddDroneScanMap(this IServiceCollection services)
    {
        services.AddOptions<UiOptions>().BindConfiguration(UiOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UiOptions>, BaseMapFileValidation>();
        services.AddSingleton<BaseMap>();
        services.AddSingleton<PhotoOverlays>();
        return services;
    }

    public static IEndpointRouteBuilder MapMapEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/flights/{id}/map", FlightMap);
        app.MapGet("/api/flights/{id}/photos/{photoId}/overlay", OverlayAsync);
        app.MapGet("/api/basemap", (BaseMap map) => map.Tiles?.Info is { } i
            ? Results.Ok(new BaseMapDto(true, i.Name, i.Format, i.MinZoom, i.MaxZoom, i.Bounds, i.Attribution, TileTemplate))
            : Results.Ok(BaseMapDto.None));
        app.MapGet("/api/basemap/{z:int}/{x:int}/{y:int}", (int z, int x, int y, BaseMap map, HttpContext http) =>
        {
            if (map.Tiles?.Tile(z, x, y) is not { } tile)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "private, max-age=86400";
            return Results.File(tile.Bytes, tile.ContentType);
        });
        return app;
    }

    private static IResult FlightMap(string id, IFlightStore store, IOptions<ScanOptions> scan)
    {
        _ = store.GetFlight(id) ?? throw new KeyNotFoundException($"no flight '{id}'");
        string flight = Uri.EscapeDataString(id);
        var models = store.LoadPhotoModels(id).ToDictionary(p => p.PhotoId, p => p.ModelName, StringComparer.Ordinal);
        var photos = store.LoadPhotoCoverage(id)
            .Where(p => p.Footprint is not null)
            .OrderBy(p => p.CapturedAt ?? DateTimeOffset.MaxValue).ThenBy(p => p.FileName, StringComparer.Ordinal)
            .Select(p =>
            {
                var corners = PhotoCorners.FromFootprint(p.Footprint);
                bool drawable = corners is not null && PhotoOverlays.IsPhotoId(p.PhotoId);
                return new MapPhotoDto(
                    p.PhotoId, p.FileName, p.CentreGsdM, LatLon(p.Footprint!.ExteriorRing.Coordinates), drawable ? LatLon(corners!) : null,
                    drawable ? $"api/flights/{flight}/photos/{p.PhotoId}/overlay" : null, models.GetValueOrDefault(p.PhotoId));
            })
            .ToList();
        var areas = store.GetAreas(id)
            .Select(a => new MapAreaDto(a.Id, a.AreaM2, a.BufferM, a.HazardIds,
                [LatLon(a.Area.ExteriorRing.Coordinates), .. a.Area.InteriorRings.Select(r => LatLon(r.Coordinates))]))
            .ToList();
        double floor = scan.Value.Cluster.RelativeSigmaFloorM;
        var points = store.GetHazards(id)
            .Select(h =>
            {
                var (_, relative) = PointUncertainty.Variances(h.Point.Observations, floor);
                var spread = HorizontalUncertainty.FromCovariance(relative, 0, relative);
                return new MapPointDto(h.Point.Id, h.Point.SigmaM, h.Point.R90M, spread.SigmaM, spread.R90M);
            })
            .ToList();
        return Results.Ok(new FlightMapDto(photos, areas, points));
    }

    /// <summary>The photo's reduced copy (JPEG), made on the first request.</summary>
    private static async Task<IResult> OverlayAsync(
        string id, string photoId, IFlightJobStore work, PhotoOverlays overlays, HttpContext http, CancellationToken cancellationToken)
    {
        if (!FlightFolders.IsFlightId(id) || !PhotoOverlays.IsPhotoId(photoId))
        {
            throw new KeyNotFoundException($"no photo '{photoId}' in flight '{id}'");
        }

        var photo = work.GetQueuedPhotos(id).FirstOrDefault(p => p.PhotoId == photoId)
            ?? throw new KeyNotFoundException($"no photo '{photoId}' in flight '{id}'");
        string file = await overlays.GetAsync(id, photoId, photo.RelativePath, cancellationToken).ConfigureAwait(false);

        // The id is the photo's content hash: the copy never changes.
        http.Response.Headers.CacheControl = "private, max-age=604800, immutable";
        return Results.File(file, "image/jpeg");
    }

    private static double[][] LatLon(Coordinate[] ring) =>
        ring.Select(c => new[] { Math.Round(c.Y, 9), Math.Round(c.X, 9) }).ToArray();
}

/// <summary>The configured base map, opened once (null when <c>Ui:BaseMapFile</c> is not set).</summary>
public sealed class BaseMap(IOptions<UiOptions> ui)
{
    private readonly Lazy<BaseMapTiles?> tiles = new(() => string.IsNullOrWhiteSpace(ui.Value.BaseMapFile) ? null : BaseMapTiles.Open(ui.Value.BaseMapFile));

    public BaseMapTiles? Tiles => tiles.Value;
}

/// <summary>Checks <c>Ui:BaseMapFile</c> on start: a missing or unreadable file stops the service with a message naming it.</summary>
internal sealed class BaseMapFileValidation : IValidateOptions<UiOptions>
{
    public ValidateOptionsResult Validate(string? name, UiOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BaseMapFile))
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            BaseMapTiles.Open(options.BaseMapFile);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidDataException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
