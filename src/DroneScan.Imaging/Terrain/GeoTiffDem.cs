using System.Globalization;
using BitMiracle.LibTiff.Classic;
using DroneScan.Core.Terrain;

namespace DroneScan.Imaging.Terrain;

/// <summary>The vertical datum a DEM file states (GeoTIFF VerticalCSTypeGeoKey), when it states one.</summary>
public enum DemVerticalDatum
{
    Unstated,
    Egm2008,
    Egm96,
    Ellipsoid,
}

/// <summary>A DEM read from a GeoTIFF: its grid and the vertical datum the file states.</summary>
public sealed record GeoTiffDem(ElevationGrid Grid, DemVerticalDatum StatedDatum);

/// <summary>
/// Reads single-band GeoTIFF DEMs with LibTiff.NET: EPSG:4326 or a WGS84 UTM zone (EPSG:326xx/327xx), tiled or
/// striped, any compression LibTiff decodes, 8/16/32-bit integers or 32/64-bit floats, NoData from the
/// GDAL_NODATA tag (and NaN). The grid comes from ModelPixelScale and ModelTiepoint; the CRS, the raster type
/// (PixelIsArea/PixelIsPoint) and the vertical datum from the GeoKeyDirectory. Anything else is refused with a
/// <see cref="DemFileException"/> naming the file and the problem.
/// </summary>
public static class GeoTiffDemReader
{
    private const TiffTag ModelPixelScale = (TiffTag)33550;
    private const TiffTag ModelTiepoint = (TiffTag)33922;
    private const TiffTag ModelTransformation = (TiffTag)34264;
    private const TiffTag GeoKeyDirectory = (TiffTag)34735;
    private const TiffTag GdalNoData = (TiffTag)42113;

    // GeoKey ids (GeoTIFF 1.1, OGC 19-008r4).
    private const int ModelTypeKey = 1024;
    private const int RasterTypeKey = 1025;
    private const int GeographicTypeKey = 2048;
    private const int ProjectedCsTypeKey = 3072;
    private const int VerticalCsTypeKey = 4096;

    static GeoTiffDemReader() => Tiff.SetErrorHandler(new CollectingErrorHandler());

    /// <param name="path">The GeoTIFF.</param>
    /// <param name="verticalSigmaM">The DEM's vertical 1-σ, metres (a file does not state it).</param>
    public static GeoTiffDem Read(string path, double verticalSigmaM)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new DemFileException($"{name}: DEM file not found");
        }

        CollectingErrorHandler.Clear();
        using var tiff = Tiff.Open(path, "r") ?? throw new DemFileException($"{name}: not a TIFF file{CollectingErrorHandler.Detail()}");
        try
        {
            return ReadOpen(tiff, name, verticalSigmaM);
        }
        catch (Exception ex) when (ex is not DemFileException)
        {
            throw new DemFileException($"{name}: the TIFF could not be read ({ex.Message}){CollectingErrorHandler.Detail()}", ex);
        }
    }

    private static GeoTiffDem ReadOpen(Tiff tiff, string name, double verticalSigmaM)
    {
        int width = Int(tiff, TiffTag.IMAGEWIDTH) ?? 0, height = Int(tiff, TiffTag.IMAGELENGTH) ?? 0;
        int bands = Int(tiff, TiffTag.SAMPLESPERPIXEL) ?? 1;
        if (bands != 1)
        {
            throw new DemFileException($"{name}: has {bands} bands; a DEM must be a single-band GeoTIFF of heights");
        }

        if (width < 2 || height < 2)
        {
            throw new DemFileException($"{name}: {width} × {height} pixels is too small to be a DEM");
        }

        if (tiff.GetField(ModelTransformation) is not null)
        {
            throw new DemFileException($"{name}: the grid is rotated or sheared (ModelTransformation tag); only north-up grids (ModelPixelScale + ModelTiepoint) are supported");
        }

        double[]? scale = Doubles(tiff, ModelPixelScale);
        double[]? tie = Doubles(tiff, ModelTiepoint);
        ushort[]? keys = UShorts(tiff, GeoKeyDirectory);
        if (scale is not { Length: >= 2 } || tie is not { Length: >= 6 } || keys is not { Length: >= 4 })
        {
            throw new DemFileException($"{name}: not a GeoTIFF (no ModelPixelScale, ModelTiepoint or GeoKeyDirectory tag), so where its heights lie is unknown");
        }

        var geoKeys = ParseGeoKeys(keys);
        var projection = Projection(geoKeys, name);
        bool pixelIsPoint = geoKeys.GetValueOrDefault(RasterTypeKey) == 2;

        // Raster space: PixelIsArea puts (0, 0) at the top-left corner of the first pixel, so its centre is at
        // (0.5, 0.5); PixelIsPoint puts (0, 0) at that centre.
        double half = pixelIsPoint ? 0 : 0.5;
        double centreX0 = tie[3] + ((half - tie[0]) * scale[0]);
        double centreY0 = tie[4] - ((half - tie[1]) * scale[1]);

        float[] heights = ReadHeights(tiff, name, width, height);
        double? noData = NoData(tiff, name);
        if (noData is { } nd && !double.IsNaN(nd))
        {
            for (int i = 0; i < heights.Length; i++)
            {
                if (heights[i] == (float)nd)
                {
                    heights[i] = float.NaN;
                }
            }
        }

        var grid = new ElevationGrid(name, width, height, heights, centreX0, centreY0, scale[0], scale[1], projection, verticalSigmaM);
        return new GeoTiffDem(grid, VerticalDatum(geoKeys.GetValueOrDefault(VerticalCsTypeKey)));
    }

    private static GridProjection Projection(Dictionary<int, int> keys, string name)
    {
        int model = keys.GetValueOrDefault(ModelTypeKey);
        if (model == 2)
        {
            int geographic = keys.GetValueOrDefault(GeographicTypeKey);
            return geographic == 4326
                ? GridProjection.Geographic
                : throw new DemFileException($"{name}: geographic CRS EPSG:{geographic} is not supported; DEMs must be in EPSG:4326 (WGS84) or a WGS84 UTM zone (reproject with gdalwarp -t_srs EPSG:4326)");
        }

        if (model == 1)
        {
            int projected = keys.GetValueOrDefault(ProjectedCsTypeKey);
            if (projected is >= 32601 and <= 32660)
            {
                return GridProjection.Utm(projected - 32600, north: true);
            }

            if (projected is >= 32701 and <= 32760)
            {
                return GridProjection.Utm(projected - 32700, north: false);
            }

            throw new DemFileException($"{name}: projected CRS EPSG:{projected} is not supported; DEMs must be in EPSG:4326 (WGS84) or a WGS84 UTM zone (EPSG:326xx/327xx; reproject with gdalwarp)");
        }

        throw new DemFileException($"{name}: the GeoTIFF does not say whether its CRS is geographic or projected (GTModelTypeGeoKey {model})");
    }

    private static DemVerticalDatum VerticalDatum(int code) => code switch
    {
        3855 => DemVerticalDatum.Egm2008, // EGM2008 height
        5773 => DemVerticalDatum.Egm96,   // EGM96 height
        4979 or 4326 => DemVerticalDatum.Ellipsoid, // WGS84 ellipsoidal heights (as GDAL writes them)
        _ => DemVerticalDatum.Unstated,
    };

    /// <summary>GeoKeyDirectory: header (version, revision, minor, count), then (id, location, count, value)
    /// per key; location 0 means the value is the short itself. Only such short-valued keys are needed here.</summary>
    private static Dictionary<int, int> ParseGeoKeys(ushort[] d)
    {
        var keys = new Dictionary<int, int>();
        int count = d[3];
        for (int k = 0; k < count && (4 * (k + 2)) <= d.Length; k++)
        {
            int at = 4 * (k + 1);
            if (d[at + 1] == 0)
            {
                keys[d[at]] = d[at + 3];
            }
        }

        return keys;
    }

    private static float[] ReadHeights(Tiff tiff, string name, int width, int height)
    {
        int bits = Int(tiff, TiffTag.BITSPERSAMPLE) ?? 8;
        var format = (SampleFormat)(Int(tiff, TiffTag.SAMPLEFORMAT) ?? (int)SampleFormat.UINT);
        Func<byte[], int, float> decode = (format, bits) switch
        {
            (SampleFormat.IEEEFP, 32) => (b, i) => BitConverter.ToSingle(b, i * 4),
            (SampleFormat.IEEEFP, 64) => (b, i) => (float)BitConverter.ToDouble(b, i * 8),
            (SampleFormat.INT, 16) => (b, i) => BitConverter.ToInt16(b, i * 2),
            (SampleFormat.UINT, 16) => (b, i) => BitConverter.ToUInt16(b, i * 2),
            (SampleFormat.INT, 32) => (b, i) => BitConverter.ToInt32(b, i * 4),
            (SampleFormat.UINT, 32) => (b, i) => BitConverter.ToUInt32(b, i * 4),
            (SampleFormat.INT, 8) => (b, i) => (sbyte)b[i],
            (SampleFormat.UINT, 8) => (b, i) => b[i],
            _ => throw new DemFileException($"{name}: {bits}-bit {format} samples are not heights DroneScan reads (use Float32 or 16/32-bit integers)"),
        };

        var heights = new float[width * height];
        if (tiff.IsTiled())
        {
            int tw = Int(tiff, TiffTag.TILEWIDTH)!.Value, th = Int(tiff, TiffTag.TILELENGTH)!.Value;
            var buffer = new byte[tiff.TileSize()];
            for (int y0 = 0; y0 < height; y0 += th)
            {
                for (int x0 = 0; x0 < width; x0 += tw)
                {
                    if (tiff.ReadTile(buffer, 0, x0, y0, 0, 0) < 0)
                    {
                        throw new DemFileException($"{name}: tile at ({x0}, {y0}) could not be decoded{CollectingErrorHandler.Detail()}");
                    }

                    for (int y = y0; y < Math.Min(y0 + th, height); y++)
                    {
                        for (int x = x0; x < Math.Min(x0 + tw, width); x++)
                        {
                            heights[(y * width) + x] = decode(buffer, ((y - y0) * tw) + (x - x0));
                        }
                    }
                }
            }
        }
        else
        {
            int rowsPerStrip = Math.Min(Int(tiff, TiffTag.ROWSPERSTRIP) ?? height, height);
            var buffer = new byte[tiff.StripSize()];
            for (int strip = 0, y0 = 0; y0 < height; strip++, y0 += rowsPerStrip)
            {
                if (tiff.ReadEncodedStrip(strip, buffer, 0, -1) < 0)
                {
                    throw new DemFileException($"{name}: strip {strip} could not be decoded{CollectingErrorHandler.Detail()}");
                }

                int rows = Math.Min(rowsPerStrip, height - y0);
                for (int i = 0; i < rows * width; i++)
                {
                    heights[(y0 * width) + i] = decode(buffer, i);
                }
            }
        }

        return heights;
    }

    private static double? NoData(Tiff tiff, string name)
    {
        if (tiff.GetField(GdalNoData) is not { Length: > 0 } v)
        {
            return null;
        }

        string text = v[^1].Value switch
        {
            byte[] bytes => System.Text.Encoding.ASCII.GetString(bytes),
            var other => other?.ToString() ?? string.Empty,
        };
        text = text.Trim('\0', ' ');
        if (text.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            return double.NaN;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new DemFileException($"{name}: GDAL_NODATA '{text}' is not a number");
    }

    private static int? Int(Tiff tiff, TiffTag tag) => tiff.GetField(tag) is { Length: > 0 } v ? v[0].ToInt() : null;

    private static double[]? Doubles(Tiff tiff, TiffTag tag) => tiff.GetField(tag) is { Length: > 0 } v ? v[^1].ToDoubleArray() : null;

    private static ushort[]? UShorts(Tiff tiff, TiffTag tag) => tiff.GetField(tag) is { Length: > 0 } v ? v[^1].ToUShortArray() : null;

    /// <summary>Keeps LibTiff's messages off the console; the last error is added to the exception's message.</summary>
    private sealed class CollectingErrorHandler : TiffErrorHandler
    {
        [ThreadStatic]
        private static string? _lastError;

        public static void Clear() => _lastError = null;

        public static string Detail() => _lastError is { } e ? $" (LibTiff: {e})" : string.Empty;

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            _lastError = string.Format(CultureInfo.InvariantCulture, format, args);

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) =>
            _lastError = string.Format(CultureInfo.InvariantCulture, format, args);

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
        }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }
    }
}
