namespace DroneScan.Core.Camera;

/// <summary>Physical sensor size of a camera model, millimetres.</summary>
public sealed record SensorSize(string Make, string Model, double WidthMm, double HeightMm, int? ImageWidthPx = null);

/// <summary>
/// Sensor sizes of common drone and compact cameras, matched on EXIF Make and Model (case-insensitive,
/// Make by prefix since makers pad it). Payloads that carry several cameras under one model name (ZH20T) are
/// told apart by image width. Values from maker data sheets; see ../docs/georeferencing.md.
/// </summary>
public static class CameraTable
{
    private static readonly SensorSize[] Entries =
    [
        // DJI 1-inch: Phantom 4 Pro/Adv/RTK, Air 2S, Mavic 2 Pro, Zenmuse X4S.
        new("DJI", "FC6310", 13.2, 8.8),
        new("DJI", "FC6310S", 13.2, 8.8),
        new("DJI", "FC6310R", 13.2, 8.8),
        new("DJI", "FC3411", 13.2, 8.8),
        new("Hasselblad", "L1D-20c", 13.2, 8.8),
        new("DJI", "FC6510", 13.2, 8.8),
        // DJI 4/3: Mavic 3 Enterprise / Mavic 3 Classic, Zenmuse X5S.
        new("DJI", "M3E", 17.3, 13.0),
        new("Hasselblad", "L2D-20c", 17.3, 13.0),
        new("DJI", "FC6520", 17.3, 13.0),
        // DJI 1/2.3": Phantom 3, Phantom 4, Mavic Pro, Mini 2, Mavic Air.
        new("DJI", "FC300X", 6.17, 4.55),
        new("DJI", "FC300S", 6.17, 4.55),
        new("DJI", "FC330", 6.17, 4.55),
        new("DJI", "FC350", 6.17, 4.55),
        new("DJI", "FC220", 6.17, 4.55),
        new("DJI", "FC2103", 6.17, 4.55),
        new("DJI", "FC7303", 6.17, 4.55),
        // DJI ZH20T: 640 × 512 thermal at 12 µm; wide camera 1/2.3".
        new("DJI", "ZH20T", 7.68, 6.144, 640),
        new("DJI", "ZH20T", 6.17, 4.55, 4056),
        // Compacts flown on small drones; Parrot Sequoia RGB (1.34 µm × 4608).
        new("Canon", "Canon PowerShot SX260 HS", 6.17, 4.55),
        new("Canon", "Canon PowerShot ELPH 300 HS", 6.17, 4.55),
        new("Canon", "Canon IXUS 220 HS", 6.17, 4.55),
        new("Parrot", "Sequoia", 6.17, 4.63, 4608),
    ];

    /// <summary>Looks a camera up; null when it is not in the table.</summary>
    public static SensorSize? Find(string? make, string? model, int imageWidthPx)
    {
        if (string.IsNullOrWhiteSpace(make) || string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        string mk = make.Trim(), md = model.Trim();
        SensorSize? fallback = null;
        foreach (var e in Entries)
        {
            if (!mk.StartsWith(e.Make, StringComparison.OrdinalIgnoreCase) || !md.Equals(e.Model, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (e.ImageWidthPx is null)
            {
                fallback = e;
            }
            else if (e.ImageWidthPx == imageWidthPx)
            {
                return e;
            }
        }

        return fallback;
    }
}
