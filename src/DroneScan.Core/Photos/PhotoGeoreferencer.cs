using DroneScan.Core.Camera;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Terrain;

namespace DroneScan.Core.Photos;

/// <summary>
/// Decides, for one photo, the camera model DroneScan trusts: focal length, height above ground, attitude and
/// pose errors, each with its source, or the reasons it cannot. Pure and total: every problem becomes a
/// diagnostic naming the file and the field, never an exception.
/// </summary>
public static class PhotoGeoreferencer
{
    public static GeoreferencedPhoto Resolve(PhotoMetadata photo, GeoreferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(options);
        var diagnostics = new List<PhotoDiagnostic>(photo.Diagnostics);
        void Warn(string code, string field, string message) => diagnostics.Add(new(photo.FileName, DiagnosticSeverity.Warning, code, field, message));
        void Fail(string code, string field, string message) => diagnostics.Add(new(photo.FileName, DiagnosticSeverity.Error, code, field, message));

        int? width = null, height = null;
        if (photo.RawWidth is { } rw && photo.RawHeight is { } rh)
        {
            (width, height) = ExifOrientation.OrientedSize(photo.Orientation, rw, rh);
        }

        var position = ResolvePosition(photo, Fail);
        var (focalPx, focalSource) = ResolveFocalLength(photo, options, Warn, Fail);
        var (attitude, attitudeSource, tiltSigma, yawSigma, yawUnknown) = ResolveAttitude(photo, options.Errors, Warn, Fail);
        if (attitude is { } att && !(double.IsFinite(att.YawDeg) && double.IsFinite(att.PitchDeg) && double.IsFinite(att.RollDeg)))
        {
            Fail(DiagnosticCodes.InvalidValue, attitudeSource ?? "attitude", $"camera angles {att.YawDeg}/{att.PitchDeg}/{att.RollDeg} ({attitudeSource}) are not finite numbers");
            attitude = null;
        }

        // The laser's slant range becomes a height only with a measured (not assumed) camera pitch.
        double? measuredPitch = attitudeSource is "dji-gimbal-xmp" or "dji-makernotes" ? attitude?.PitchDeg : null;
        var laser = LaserHeight.From(photo.Dji, measuredPitch, options.Errors, Warn);
        var (agl, aglSource, aglSigma) = laser is { } l ? (l.HeightM, LaserHeight.Source, l.SigmaM) : ResolveAltitude(photo, options, Fail);
        double? groundElevation = laser?.GroundElevationM;
        double frameHeight = photo.GpsAltitudeM ?? 0;
        ITerrain? terrain = null;
        if (options.Terrain is { } dem && position is { } camera0 && ResolveDemAltitude(photo, dem, camera0, options.Errors, Warn) is { } overDem)
        {
            (agl, aglSource, aglSigma, groundElevation, frameHeight, terrain) = (overDem.AglM, overDem.Source, overDem.SigmaM, overDem.GroundM, overDem.CameraAltitudeM, dem);
        }

        if (focalPx is { } f && !(double.IsFinite(f) && f > 0))
        {
            Fail(DiagnosticCodes.InvalidValue, focalSource ?? "focal length", $"focal length {f} px ({focalSource}) is not a positive number");
            focalPx = null;
        }
        var (gpsEast, gpsNorth, gpsSource) = ResolveGpsSigma(photo, options);

        var result = new GeoreferencedPhoto
        {
            Metadata = photo,
            Width = width,
            Height = height,
            FocalLengthPx = focalPx,
            FocalLengthSource = focalSource,
            AltitudeAglM = agl,
            AltitudeSource = aglSource,
            GroundElevationM = groundElevation,
            DemFile = terrain?.Name,
            Attitude = attitude,
            AttitudeSource = attitudeSource,
            GpsSigmaSource = gpsSource,
        };

        if (position is null || focalPx is null || agl is null || attitude is null || photo.RawWidth is null || photo.RawHeight is null)
        {
            if (photo.RawWidth is null || photo.RawHeight is null)
            {
                Fail(DiagnosticCodes.NoImageSize, "ImageWidth/ImageHeight", "the image size could not be read, so pixels cannot be placed");
            }

            return result with { Diagnostics = diagnostics };
        }

        var intrinsics = new CameraIntrinsics(
            photo.RawWidth.Value,
            photo.RawHeight.Value,
            focalPx.Value,
            photo.Dji?.CalibratedOpticalCenterX ?? (photo.RawWidth.Value / 2.0),
            photo.Dji?.CalibratedOpticalCenterY ?? (photo.RawHeight.Value / 2.0));
        var errors = new ErrorModel(gpsEast, gpsNorth, aglSigma, yawSigma, tiltSigma, tiltSigma, yawUnknown, terrain?.VerticalSigmaM ?? 0);
        var camera = new CameraGeometry(intrinsics, photo.Orientation, attitude.Value, agl.Value);
        var georeference = new PhotoGeoreference(position.Value, frameHeight, camera, errors, agl.Value * options.MaxGroundRangeFactor, terrain);

        if (terrain is not null && georeference.MissAt(camera.Centre) is TerrainMiss.LeftDem or TerrainMiss.BeyondRange)
        {
            Fail(DiagnosticCodes.DemRaysLeave, "--dem", $"the image centre's ray leaves the DEM {terrain.Name} (or passes {georeference.MaxGroundRangeM:0} m) before it meets the ground; use a DEM that covers the photo");
            return result with { Errors = errors, Diagnostics = diagnostics };
        }

        if (georeference.PixelToGround(camera.Centre) is null)
        {
            Fail(DiagnosticCodes.GimbalAboveHorizon, "GimbalPitchDegree", $"pitch {attitude.Value.PitchDeg:0.##}°: the image centre looks at or above the horizon, so it has no ground position");
            return result with { Errors = errors, Diagnostics = diagnostics };
        }

        if (terrain is not null && laser?.GroundElevationM is { } laserGround
            && georeference.PixelToGround(camera.Centre) is { } target && terrain.HeightAt(target) is { } demGround
            && Math.Abs(laserGround - demGround) > 2 * terrain.VerticalSigmaM)
        {
            Warn(DiagnosticCodes.DemDisagrees, "LRFTargetDistance", $"the laser puts the ground under the image centre at {laserGround:0.0} m, the DEM {terrain.Name} at {demGround:0.0} m: {laserGround - demGround:+0.0;-0.0} m, more than twice the DEM's stated error ({terrain.VerticalSigmaM:0.0} m); check the altitude and DEM datums");
        }

        if (terrain is not null && laser is { } anchor && AnchorToLaser(georeference, terrain, anchor, position.Value, options.MaxGroundRangeFactor) is { } anchored)
        {
            // The laser measures the height over the DEM's ground at the image centre far better than the
            // absolute altitude does (barometric, datum-dependent): the camera is placed that high above it.
            (georeference, camera) = (anchored, anchored.Camera);
            result = result with { AltitudeAglM = anchored.Camera.AltitudeAglM, AltitudeSource = LaserHeight.Source + "+dem" };
        }

        var (_, clipped) = georeference.Footprint();
        if (clipped && terrain is not null && LeavesDem(georeference))
        {
            Warn(DiagnosticCodes.DemRaysLeave, "--dem", $"some of the image's rays leave the DEM {terrain?.Name} before they meet the ground; the footprint is cut there and detections there have no ground position");
        }
        else if (clipped)
        {
            Warn(DiagnosticCodes.FootprintClipped, "GimbalPitchDegree", $"oblique view: the footprint is cut at the horizon or at {georeference.MaxGroundRangeM:0} m from the nadir");
        }

        return result with { Errors = georeference.Errors, Georeference = georeference, Diagnostics = diagnostics };
    }

    /// <summary>
    /// The georeference with the camera at the DEM's height under the laser target plus the laser height, found
    /// by fixed-point iteration (the target moves with the camera height, a little); null when the centre ray or
    /// the camera leaves the DEM.
    /// </summary>
    private static PhotoGeoreference? AnchorToLaser(PhotoGeoreference start, ITerrain terrain, LaserHeight laser, GeoPoint position, double rangeFactor)
    {
        var g = start;
        double altitude = start.Frame.OriginHeightM;
        for (int i = 0; i < 6; i++)
        {
            if (g.PixelToGround(g.Camera.Centre) is not { } target || terrain.HeightAt(target) is not { } targetGround || terrain.HeightAt(position) is not { } under)
            {
                return null;
            }

            double next = targetGround + laser.HeightM;
            double agl = next - under;
            if (!(agl > 0))
            {
                return null;
            }

            var camera = start.Camera.With(start.Camera.Attitude, agl);
            g = new PhotoGeoreference(position, next, camera, start.Errors with { AltitudeSigmaM = laser.MeasurementSigmaM }, agl * rangeFactor, terrain);
            if (Math.Abs(next - altitude) < 0.001)
            {
                break;
            }

            altitude = next;
        }

        return g;
    }

    private static GeoPoint? ResolvePosition(PhotoMetadata photo, Action<string, string, string> fail)
    {
        if (photo.LatitudeDeg is not { } lat || photo.LongitudeDeg is not { } lon)
        {
            fail(DiagnosticCodes.NoGps, "GPSLatitude/GPSLongitude", "the photo has no GPS position");
            return null;
        }

        var p = new GeoPoint(lat, lon);
        if (!p.IsValid)
        {
            fail(DiagnosticCodes.InvalidCoordinates, "GPSLatitude/GPSLongitude", $"coordinates {lat}, {lon} are not a valid WGS84 position");
            return null;
        }

        if (lat == 0 && lon == 0)
        {
            fail(DiagnosticCodes.GpsNoFix, "GPSLatitude/GPSLongitude", "position is exactly 0, 0: the GPS had no fix");
            return null;
        }

        return p;
    }

    private static (double? Px, string? Source) ResolveFocalLength(PhotoMetadata photo, GeoreferenceOptions options, Action<string, string, string> warn, Action<string, string, string> fail)
    {
        if (photo.RawWidth is not { } w || photo.RawHeight is not { } h)
        {
            return (null, null);
        }

        if (options.FocalLengthPx is { } userPx)
        {
            return (userPx, "user-focal-px");
        }

        if (photo.Dji?.CalibratedFocalLengthPx is { } calibrated && calibrated > 0)
        {
            return (calibrated, "dji-calibrated");
        }

        double? fromSensor = null;
        string? sensorSource = null;
        if (photo.FocalLengthMm is { } fmm && fmm > 0)
        {
            if (options.SensorWidthMm is { } userSensor)
            {
                return (CameraIntrinsics.FocalPxFromSensor(fmm, userSensor, w), "user-sensor-width");
            }

            if (CameraTable.Find(photo.Make, photo.Model, w) is { } sensor)
            {
                fromSensor = CameraIntrinsics.FocalPxFromSensor(fmm, sensor.WidthMm, w);
                sensorSource = "camera-table";
            }
        }

        double? from35 = photo.FocalLength35mm is { } f35 && f35 > 0 ? CameraIntrinsics.FocalPxFrom35mm(f35, w, h) : null;
        if (fromSensor is { } s)
        {
            if (from35 is { } e && Math.Abs(e - s) / s > 0.1)
            {
                warn(DiagnosticCodes.CameraMismatch, "FocalLengthIn35mmFormat", $"the 35 mm-equivalent focal length gives {e:0} px but the camera table gives {s:0} px; using the table");
            }

            return (s, sensorSource);
        }

        string camera = $"{photo.Make ?? "(no make)"} {photo.Model ?? "(no model)"}".Trim();
        if (from35 is { } f)
        {
            warn(DiagnosticCodes.UnknownCamera, "Make/Model", $"camera '{camera}' is not in the camera table; focal length taken from the 35 mm-equivalent value (diagonal definition)");
            return (f, "exif-35mm");
        }

        fail(DiagnosticCodes.UnknownCamera, "Make/Model", $"camera '{camera}' is not in the camera table and the photo has no 35 mm-equivalent focal length; pass --sensor-width MM or --focal-px PX");
        return (null, null);
    }

    private static (double? AglM, string? Source, double SigmaM) ResolveAltitude(PhotoMetadata photo, GeoreferenceOptions options, Action<string, string, string> fail)
    {
        var d = options.Errors;
        (double? agl, string? source, string field, double sigma) = (null, null, "", 0);
        if (photo.Dji?.RelativeAltitudeM is { } rel)
        {
            (agl, source, field, sigma) = (rel, "dji-relative", "RelativeAltitude", d.RelativeAltitudeSigmaM);
        }
        else if (photo.SenseFly?.HeightM is { } sfHeight)
        {
            (agl, source, field, sigma) = (sfHeight, "sensefly-height", "Height", d.RelativeAltitudeSigmaM);
        }
        else if (options.GroundElevationM is { } ground && photo.GpsAltitudeM is { } gpsAlt)
        {
            double gpsSigma = photo.Pix4D?.GpsZAccuracyM is { } z && z > 0 ? Math.Sqrt((z * z) + (d.UserAglSigmaM * d.UserAglSigmaM)) : d.GpsAltitudeSigmaM;
            (agl, source, field, sigma) = (gpsAlt - ground, "gps-minus-ground-elevation", "GPSAltitude", gpsSigma);
        }
        else if (options.AltitudeAglM is { } userAgl)
        {
            (agl, source, field, sigma) = (userAgl, "user-agl", "--agl", d.UserAglSigmaM);
        }

        if (agl is null)
        {
            string why = photo.GpsAltitudeM is null
                ? "no relative altitude and no GPS altitude; pass --agl M"
                : "no relative altitude (GPS altitude is above sea level, not above ground); pass --ground-elevation M or --agl M";
            fail(DiagnosticCodes.NoAltitude, "RelativeAltitude", $"not georeferenceable: {why}");
            return (null, null, 0);
        }

        if (!double.IsFinite(agl.Value) || agl.Value <= 0)
        {
            fail(DiagnosticCodes.AltitudeNotPositive, field, $"height above ground {agl.Value:0.###} m ({source}) is not above the ground");
            return (null, source, 0);
        }

        return (agl, source, sigma);
    }

    private static bool LeavesDem(PhotoGeoreference g)
    {
        double w = g.Camera.OrientedWidth, h = g.Camera.OrientedHeight;
        PixelPoint[] border = [new(0, 0), new(w / 2, 0), new(w, 0), new(w, h / 2), new(w, h), new(w / 2, h), new(0, h), new(0, h / 2)];
        return border.Any(p => g.MissAt(p) == TerrainMiss.LeftDem);
    }

    private sealed record DemAltitude(double AglM, string Source, double SigmaM, double GroundM, double CameraAltitudeM);

    /// <summary>Height above the DEM under the camera from the photo's absolute altitude (DJI AbsoluteAltitude,
    /// else EXIF GPSAltitude), or null (with a warning) when the DEM cannot be used for this photo.</summary>
    private static DemAltitude? ResolveDemAltitude(PhotoMetadata photo, ITerrain dem, GeoPoint camera, ErrorDefaults d, Action<string, string, string> warn)
    {
        (double? altitude, string source) = photo.Dji?.AbsoluteAltitudeM is { } abs ? (abs, "dji-absolute-minus-dem") : (photo.GpsAltitudeM, "gps-minus-dem");
        if (altitude is not { } cameraAltitude)
        {
            warn(DiagnosticCodes.DemNotUsed, "AbsoluteAltitude/GPSAltitude", $"the photo has no absolute altitude, so its height above the DEM {dem.Name} is unknown; using the level ground model");
            return null;
        }

        if (dem.HeightAt(camera) is not { } ground)
        {
            warn(DiagnosticCodes.DemNotUsed, "GPSLatitude/GPSLongitude", $"the camera position {camera.LatitudeDeg:0.######}, {camera.LongitudeDeg:0.######} is outside the DEM {dem.Name} (or over NoData); using the level ground model");
            return null;
        }

        double agl = cameraAltitude - ground;
        if (!(agl > 0))
        {
            warn(DiagnosticCodes.DemNotUsed, "AbsoluteAltitude/GPSAltitude", $"the absolute altitude {cameraAltitude:0.##} m is not above the DEM's {ground:0.##} m under the camera (check --dem-datum and --altitude-datum); using the level ground model");
            return null;
        }

        double sigma = photo.Dji is { RtkFlag: 50, RtkStdHgtM: { } rtk } && rtk > 0 ? rtk : d.GpsAltitudeSigmaM;
        return new DemAltitude(agl, source, sigma, ground, cameraAltitude);
    }

    private static (CameraAttitude? Attitude, string? Source, double TiltSigmaDeg, double YawSigmaDeg, bool YawUnknown) ResolveAttitude(
        PhotoMetadata photo, ErrorDefaults d, Action<string, string, string> warn, Action<string, string, string> fail)
    {
        if (photo.Dji is { HasGimbalAngles: true } dji)
        {
            var a = new CameraAttitude(dji.GimbalYawDeg!.Value, dji.GimbalPitchDeg!.Value, dji.GimbalRollDeg!.Value);
            if (a is { YawDeg: 0, PitchDeg: 0, RollDeg: 0 })
            {
                // Some payloads (seen on M400 + P1) always write zeros: treat as "not recorded".
                warn(DiagnosticCodes.GimbalAnglesZero, "GimbalYawDegree/GimbalPitchDegree/GimbalRollDegree", "all gimbal angles are exactly 0, which payloads write when they do not record attitude; ignoring them");
            }
            else
            {
                return (a, "dji-gimbal-xmp", d.GimbalTiltSigmaDeg, d.GimbalYawSigmaDeg, false);
            }
        }

        if (photo.DjiMakerNote is { } mn)
        {
            return (new CameraAttitude(mn.YawDeg, mn.PitchDeg, mn.RollDeg), "dji-makernotes", d.GimbalTiltSigmaDeg, d.GimbalYawSigmaDeg, false);
        }

        if (photo.Pix4D is { HasAngles: true } p4d)
        {
            // Pix4D's convention puts pitch 0 at nadir; DroneScan (DJI) puts it at −90.
            return (new CameraAttitude(p4d.YawDeg!.Value, p4d.PitchDeg!.Value - 90, p4d.RollDeg!.Value), "pix4d-xmp", d.GimbalTiltSigmaDeg * 2, d.GimbalYawSigmaDeg * 2, false);
        }

        if (photo.SenseFly?.HeadingDeg is { } heading)
        {
            // A camera fixed in the airframe tilts with it: the tilt error is at least the aircraft's own pitch/roll.
            double tilt = Math.Max(d.AssumedNadirTiltSigmaDeg, Math.Max(Math.Abs(photo.SenseFly.PitchDeg ?? 0), Math.Abs(photo.SenseFly.RollDeg ?? 0)));
            warn(DiagnosticCodes.AttitudeAssumed, "Heading", "no camera attitude: camera assumed nadir, image top along the aircraft heading");
            return (new CameraAttitude(heading, -90, 0), "assumed-nadir+sensefly-heading", tilt, d.ImageDirectionYawSigmaDeg, false);
        }

        if (photo.GpsImageDirectionDeg is { } direction)
        {
            warn(DiagnosticCodes.AttitudeAssumed, "GPSImgDirection", "no camera attitude: camera assumed nadir, image top along GPSImgDirection");
            return (new CameraAttitude(direction, -90, 0), "assumed-nadir+exif-img-direction", d.AssumedNadirTiltSigmaDeg, d.ImageDirectionYawSigmaDeg, false);
        }

        warn(DiagnosticCodes.AttitudeAssumed, "GimbalPitchDegree", "no camera attitude: camera assumed nadir; the heading is unknown, so the footprint's rotation is unknown and off-centre points carry that error");
        return (CameraAttitude.Nadir, "assumed-nadir", d.AssumedNadirTiltSigmaDeg, 0, true);
    }

    private static (double East, double North, string Source) ResolveGpsSigma(PhotoMetadata photo, GeoreferenceOptions options)
    {
        if (options.GpsSigmaM is { } user)
        {
            return (user, user, "user");
        }

        if (photo.Dji is { RtkStdLonM: { } lonStd, RtkStdLatM: { } latStd } && lonStd > 0 && latStd > 0)
        {
            return (lonStd, latStd, "rtk");
        }

        if (photo.GpsHorizontalErrorM is { } hpe && hpe > 0)
        {
            return (hpe / Math.Sqrt(2), hpe / Math.Sqrt(2), "exif-hpositioning-error");
        }

        if (photo.Pix4D?.GpsXyAccuracyM is { } xy && xy > 0)
        {
            return (xy, xy, "pix4d-gps-accuracy");
        }

        return (options.Errors.GpsSigmaM, options.Errors.GpsSigmaM, "default");
    }
}
