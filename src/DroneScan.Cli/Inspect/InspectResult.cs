using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Photos;
using NetTopologySuite.Geometries;

namespace DroneScan.Cli.Inspect;

/// <summary>What <c>dronescan inspect</c> reports for one photo; the reports only format it.</summary>
internal sealed record InspectResult
{
    public required GeoreferencedPhoto Photo { get; init; }

    public GeoPoint? Centre { get; init; }

    public HorizontalUncertainty? CentreUncertainty { get; init; }

    public double? GsdM { get; init; }

    public Polygon? Footprint { get; init; }

    public double? FootprintAreaM2 { get; init; }

    public PixelPoint? Pixel { get; init; }

    public GroundPoint? PixelGround { get; init; }

    public static InspectResult From(GeoreferencedPhoto photo, PixelPoint? pixel)
    {
        if (photo.Georeference is not { } g)
        {
            return new InspectResult { Photo = photo, Pixel = pixel };
        }

        var centre = g.Locate(g.Camera.Centre);
        var (footprint, _) = g.Footprint();
        return new InspectResult
        {
            Photo = photo,
            Centre = centre?.Position,
            CentreUncertainty = centre?.Uncertainty,
            GsdM = g.CentreGsdM,
            Footprint = footprint,
            FootprintAreaM2 = footprint is null ? null : g.AreaM2(footprint),
            Pixel = pixel,
            PixelGround = pixel is { } p ? g.Locate(p) : null,
        };
    }
}

/// <summary>A way of printing inspect results.</summary>
internal interface IInspectReport
{
    void Write(InspectResult result);

    void Complete();
}
