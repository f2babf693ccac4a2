using System.Globalization;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Photos;

namespace DroneScan.Synth.Flight;

/// <summary>
/// Writes a small, physically consistent demo flight: a ground mosaic with items planted at known positions,
/// photographed along a lawn-mower pattern by a camera whose every pixel is placed with DroneScan's own camera
/// model, each photo carrying DJI-style metadata; plus <c>truth.geojson</c> and <c>flight.json</c>. Each stage
/// draws from its own generator seeded by the flight seed, so the same options give the same bytes.
/// </summary>
public static class SyntheticFlight
{
    public static FlightRecord Write(FlightOptions o, string outputDirectory, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        Directory.CreateDirectory(outputDirectory);
        if (o.Terrain is { } dem)
        {
            var centre = new GeoPoint(o.OriginLatitudeDeg, o.OriginLongitudeDeg);
            double ground = dem.HeightAt(centre) ?? throw new ArgumentException($"the flight centre {centre.LatitudeDeg}, {centre.LongitudeDeg} is outside the DEM {dem.Name}");
            o = o with { GroundElevationM = Math.Round(ground, 3) };
        }

        var frame = new LocalTangentPlane(o.OriginLatitudeDeg, o.OriginLongitudeDeg, o.GroundElevationM);
        var poses = FlightPlan.Plan(o, Stage(o.Seed, 1));

        // The mosaic covers every footprint: the half-diagonal of the nadir footprint, 5 % for height jitter,
        // the shift of a 1.5° tilt, half a metre to spare.
        var (across, along) = FlightPlan.Footprint(o);
        double reach = (Math.Sqrt((across * across) + (along * along)) / 2 * 1.05) + (o.AltitudeAglM * Math.Tan(1.5 * Math.PI / 180)) + 0.5;

        // Over a DEM the ground falls away in places, and footprints grow there.
        reach *= o.Terrain is null ? 1 : 1.6;
        var mosaic = GroundMosaic.Build(
            o.Background,
            poses.Min(p => p.EastM) - reach,
            poses.Min(p => p.NorthM) - reach,
            poses.Max(p => p.EastM) + reach,
            poses.Max(p => p.NorthM) + reach,
            o.MosaicGsdM,
            Stage(o.Seed, 2));

        // Late morning in May at 40° N: the sun in the south-east, 50–60° up. Sun azimuth from north, clockwise;
        // the renderer wants it in the mosaic's image frame (x east, y south).
        var itemRng = Stage(o.Seed, 3);
        double sunAzimuthDeg = 120 + (itemRng.NextDouble() * 15), sunElevationDeg = 50 + (itemRng.NextDouble() * 10);
        double az = sunAzimuthDeg * Math.PI / 180;
        var sun = new Sun(Math.Atan2(-Math.Cos(az), Math.Sin(az)), sunElevationDeg * Math.PI / 180);
        var items = PlantItems(o, mosaic, sun, itemRng);
        progress?.Invoke($"ground mosaic {mosaic.Width} × {mosaic.Height} px at {o.MosaicGsdM * 100:0.##} cm/px, {items.Count} items planted");

        var effects = Stage(o.Seed, 4);
        var photos = new List<FlightPhotoRecord>(poses.Count);
        var visibleIn = items.ToDictionary(i => i.Id, _ => new List<string>());
        foreach (var pose in poses)
        {
            var (truePose, written) = Poses(o, frame, pose);
            var photo = PhotoGeoreferencer.Resolve(InMemoryMetadata(o, pose, truePose), new GeoreferenceOptions { Terrain = o.Terrain });
            var georeference = photo.Georeference ?? throw new InvalidOperationException($"{pose.FileName}: {string.Join("; ", photo.Diagnostics.Select(d => d.Message))}");
            var renderer = new FlightPhotoRenderer(georeference, frame, mosaic);
            double gsd = georeference.CentreGsdM!.Value;
            var seen = new List<ItemInPhoto>();
            foreach (var item in items)
            {
                var where = renderer.Locate(item, (item.RadiusM / gsd) + 8);
                if (where.X2 >= 0 && where.Y2 >= 0 && where.X1 <= renderer.Camera.OrientedWidth && where.Y1 <= renderer.Camera.OrientedHeight)
                {
                    seen.Add(where);
                }

                if (where.InFrame)
                {
                    visibleIn[item.Id].Add(pose.FileName);
                }
            }

            double exposure = 0.97 + (effects.NextDouble() * 0.06);
            using (var image = renderer.Render((uint)effects.Next(), exposure, vignette: 0.12, noiseSigma: 0.006))
            {
                FlightPhotoWriter.Save(image, written, o, Path.Combine(outputDirectory, pose.FileName));
            }

            photos.Add(new FlightPhotoRecord(
                pose.FileName,
                pose.Line,
                new DateTimeOffset(pose.CapturedLocal, o.UtcOffset).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                pose.EastM,
                pose.NorthM,
                truePose.LatitudeDeg,
                truePose.LongitudeDeg,
                pose.AltitudeAglM,
                pose.Gimbal.YawDeg,
                pose.Gimbal.PitchDeg,
                pose.Gimbal.RollDeg,
                gsd,
                written,
                seen));
            progress?.Invoke($"{pose.FileName}: {seen.Count(s => s.InFrame)} item(s) in frame");
        }

        var truth = items.Select(i =>
        {
            var (point, _) = frame.ToGeodetic(new Enu(i.EastM, i.NorthM, FlightPhotoRenderer.TerrainUpM(frame, o.Terrain, i.EastM, i.NorthM)));
            return new TruthItem(i.Id, i.Kind.ClassName, i.Kind.Name, i.Kind.ClassName is not null, i.LengthCm, point.LatitudeDeg, point.LongitudeDeg, i.EastM, i.NorthM, visibleIn[i.Id]);
        }).ToList();
        var (spacing, step) = FlightPlan.Spacing(o);
        var record = new FlightRecord(
            "dronescan synth flight",
            o.Seed,
            o.OriginLatitudeDeg,
            o.OriginLongitudeDeg,
            o.GroundElevationM,
            o.GpsBiasEastM,
            o.GpsBiasNorthM,
            FlightPhotoWriter.Make,
            FlightPhotoWriter.Model,
            o.WidthPx,
            o.HeightPx,
            o.FocalLength35mm,
            Math.Round(FlightPhotoWriter.FocalLengthMm(o), 2),
            FlightPlan.FocalLengthPx(o),
            o.AltitudeAglM,
            o.HeadingDeg,
            o.Lines,
            spacing,
            step,
            o.ForwardOverlap,
            o.SideOverlap,
            sunAzimuthDeg,
            sunElevationDeg,
            Path.GetFileName(o.Background.Path),
            o.Background.GsdM,
            o.MosaicGsdM,
            mosaic.WestM,
            mosaic.NorthM,
            mosaic.Width,
            mosaic.Height,
            truth,
            photos);
        FlightJson.WriteTruth(Path.Combine(outputDirectory, "truth.geojson"), truth);
        FlightJson.WriteFlight(Path.Combine(outputDirectory, "flight.json"), record);
        return record;
    }

    /// <summary>The true camera position (WGS84, rounded as EXIF holds it) and what the photo will say.</summary>
    private static (WrittenPose True, WrittenPose Written) Poses(FlightOptions o, LocalTangentPlane frame, FlightPose p)
    {
        WrittenPose At(double east, double north)
        {
            var (point, _) = frame.ToGeodetic(new Enu(east, north, p.AltitudeAglM));
            return new WrittenPose(
                FlightPhotoWriter.QuantizeDegrees(point.LatitudeDeg),
                FlightPhotoWriter.QuantizeDegrees(point.LongitudeDeg),
                Math.Round(o.GroundElevationM + p.AltitudeAglM, 3),
                o.Terrain is null ? p.AltitudeAglM : Math.Round(p.AltitudeAglM + o.TakeOffBelowCentreM, 2),
                p.Gimbal.YawDeg,
                p.Gimbal.PitchDeg,
                p.Gimbal.RollDeg,
                p.FlightYawDeg,
                p.FlightPitchDeg,
                p.FlightRollDeg,
                p.CapturedLocal);
        }

        return (At(p.EastM, p.NorthM), At(p.EastM + o.GpsBiasEastM, p.NorthM + o.GpsBiasNorthM));
    }

    /// <summary>The metadata DroneScan would read from the photo if it carried the true position: the renderer
    /// builds its camera from this through <see cref="PhotoGeoreferencer"/>, exactly as a scan does.</summary>
    private static PhotoMetadata InMemoryMetadata(FlightOptions o, FlightPose pose, WrittenPose p) => new()
    {
        FilePath = pose.FileName,
        RawWidth = o.WidthPx,
        RawHeight = o.HeightPx,
        Make = FlightPhotoWriter.Make,
        Model = FlightPhotoWriter.Model,
        LatitudeDeg = p.LatitudeDeg,
        LongitudeDeg = p.LongitudeDeg,
        GpsAltitudeM = p.GpsAltitudeM,
        FocalLengthMm = Math.Round(FlightPhotoWriter.FocalLengthMm(o), 2),
        FocalLength35mm = o.FocalLength35mm,
        Dji = new DjiXmp
        {
            RelativeAltitudeM = p.RelativeAltitudeM,
            AbsoluteAltitudeM = p.GpsAltitudeM,
            GimbalYawDeg = p.GimbalYawDeg,
            GimbalPitchDeg = p.GimbalPitchDeg,
            GimbalRollDeg = p.GimbalRollDeg,
            FlightYawDeg = p.FlightYawDeg,
            FlightPitchDeg = p.FlightPitchDeg,
            FlightRollDeg = p.FlightRollDeg,
            GpsLatitudeDeg = p.LatitudeDeg,
            GpsLongitudeDeg = p.LongitudeDeg,
        },
    };

    /// <summary>
    /// Targets (classes in the cycle AP, UXO, AP, AT, UXO) and hard negatives inside the block the flight covers
    /// several times: the first two targets one pair <see cref="FlightOptions.PairSpacingM"/> apart, every
    /// other item at least <see cref="FlightOptions.MinSpacingM"/> from the rest. An item that finds no room is left out.
    /// </summary>
    private static List<PlantedItem> PlantItems(FlightOptions o, GroundMosaic mosaic, Sun sun, Random rng)
    {
        string[] cycle = ["ap_mine", "uxo", "ap_mine", "at_mine", "uxo"];
        // Keep to where photos overlap: between the centres of the first and last photos of a line, and
        // within a third of a footprint of the outer lines' centres, so that most items are seen twice or more.
        var (halfAlong, halfAcross) = FlightPlan.HalfBlock(o);
        var (across, along) = FlightPlan.Footprint(o);
        double maxA = Math.Max(0.5, halfAlong - (along / 2)), maxC = Math.Max(0.5, halfAcross - (across / 3));
        var (forward, right) = FlightPlan.Axes(o.HeadingDeg);
        var placed = new List<PlantedItem>();
        var spots = new List<(double A, double C)>();
        int count = o.Targets + o.Negatives;
        for (int i = 0; i < count; i++)
        {
            bool target = i < o.Targets;
            var kinds = target ? Catalogue.Targets.Where(k => k.ClassName == cycle[i % cycle.Length]).ToArray() : Catalogue.Negatives;
            var kind = kinds[rng.Next(kinds.Length)];
            var shape = kind.Build(rng);
            double angle = rng.NextDouble() * 2 * Math.PI;
            (double A, double C)? spot = null;
            for (int attempt = 0; attempt < 500 && spot is null; attempt++)
            {
                (double A, double C) s = i == 1 && spots.Count == 1
                    ? Around(spots[0], o.PairSpacingM, rng.NextDouble() * 2 * Math.PI)
                    : ((rng.NextDouble() * 2 * maxA) - maxA, (rng.NextDouble() * 2 * maxC) - maxC);
                bool inside = Math.Abs(s.A) <= maxA && Math.Abs(s.C) <= maxC;
                bool apart = spots.Select((q, j) => (q, j)).All(t => Distance(t.q, s) >= (i == 1 && t.j == 0 ? o.PairSpacingM - 1e-9 : o.MinSpacingM));
                if (inside && apart)
                {
                    spot = s;
                }
            }

            if (spot is not { } at)
            {
                continue;
            }

            string id = target ? $"T{i + 1:00}" : $"N{i - o.Targets + 1:00}";
            double east = (at.A * forward.E) + (at.C * right.E), north = (at.A * forward.N) + (at.C * right.N);
            if (mosaic.Plant(id, kind, shape, Math.Round(east, 3), Math.Round(north, 3), angle, sun, rng) is { } item)
            {
                placed.Add(item);
                spots.Add(at);
            }
        }

        return placed;
    }

    private static (double A, double C) Around((double A, double C) p, double distance, double angle) =>
        (p.A + (distance * Math.Cos(angle)), p.C + (distance * Math.Sin(angle)));

    private static double Distance((double A, double C) a, (double A, double C) b) =>
        Math.Sqrt(((a.A - b.A) * (a.A - b.A)) + ((a.C - b.C) * (a.C - b.C)));

    /// <summary>An independent generator for each stage, so changing one stage never reshuffles another.</summary>
    private static Random Stage(int seed, int stage) => new(unchecked((seed * 1_000_003) + (stage * 7919)));
}
