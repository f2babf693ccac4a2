using DroneScan.Core.Camera;

namespace DroneScan.Synth.Flight;

/// <summary>
/// Where and how one photo of the flight was really taken, in the flight's local metric frame (metres east and
/// north of the flight origin, on flat ground). Values are already rounded to what the photo's metadata can say
/// (angles 0.01°, height 0.01 m), so the written pose and the true pose differ only by the GPS bias.
/// </summary>
public sealed record FlightPose(int Index, int Line, string FileName, DateTime CapturedLocal, double EastM, double NorthM, double AltitudeAglM, CameraAttitude Gimbal, double FlightYawDeg, double FlightPitchDeg, double FlightRollDeg);

/// <summary>
/// A lawn-mower survey: parallel lines at the side-overlap spacing, photos along each line at the forward-overlap
/// step, alternate lines flown back, the nadir gimbal turned with the aircraft so the image top looks along the
/// line. Attitude, height and position carry the small jitter of a real flight.
/// </summary>
public static class FlightPlan
{
    /// <summary>Seconds between photos along a line, and extra seconds for the turn onto the next line.</summary>
    private const double ShutterIntervalS = 2;
    private const double TurnS = 8;

    /// <summary>Focal length in pixels DroneScan derives from the EXIF 35 mm-equivalent focal length.</summary>
    public static double FocalLengthPx(FlightOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return CameraIntrinsics.FocalPxFrom35mm(o.FocalLength35mm, o.WidthPx, o.HeightPx);
    }

    /// <summary>Nadir footprint (across the line along the image width, along it along the image height), metres.</summary>
    public static (double AcrossM, double AlongM) Footprint(FlightOptions o)
    {
        double gsd = o.AltitudeAglM / FocalLengthPx(o);
        return (o.WidthPx * gsd, o.HeightPx * gsd);
    }

    /// <summary>Line spacing and photo step, metres.</summary>
    public static (double SpacingM, double StepM) Spacing(FlightOptions o)
    {
        var (across, along) = Footprint(o);
        return ((1 - o.SideOverlap) * across, (1 - o.ForwardOverlap) * along);
    }

    /// <summary>Photos per line: as even as possible, the first lines taking the remainder.</summary>
    public static int[] PhotosPerLine(FlightOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return [.. Enumerable.Range(0, o.Lines).Select(l => (o.Photos / o.Lines) + (l < o.Photos % o.Lines ? 1 : 0))];
    }

    /// <summary>Half sizes of the block the lines cover (nadir footprints), along and across the lines, metres.</summary>
    public static (double HalfAlongM, double HalfAcrossM) HalfBlock(FlightOptions o)
    {
        var (across, along) = Footprint(o);
        var (spacing, step) = Spacing(o);
        int most = PhotosPerLine(o).Max();
        return ((((most - 1) * step) + along) / 2, (((o.Lines - 1) * spacing) + across) / 2);
    }

    /// <summary>Unit vectors along the first line and to its right, as (east, north).</summary>
    public static ((double E, double N) Forward, (double E, double N) Right) Axes(double headingDeg)
    {
        double h = headingDeg * Math.PI / 180;
        return ((Math.Sin(h), Math.Cos(h)), (Math.Cos(h), -Math.Sin(h)));
    }

    public static List<FlightPose> Plan(FlightOptions o, Random rng)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(rng);
        var (spacing, step) = Spacing(o);
        var (forward, right) = Axes(o.HeadingDeg);
        var perLine = PhotosPerLine(o);
        var poses = new List<FlightPose>(o.Photos);
        double seconds = 0;
        for (int line = 0; line < o.Lines; line++)
        {
            bool back = line % 2 == 1;
            double heading = Normalize(o.HeadingDeg + (back ? 180 : 0));
            double across = (line - ((o.Lines - 1) / 2.0)) * spacing;
            int n = perLine[line];
            for (int k = 0; k < n; k++)
            {
                int along = back ? n - 1 - k : k;
                double a = ((along - ((n - 1) / 2.0)) * step) + Normal(rng, 0.15);
                double c = across + Normal(rng, 0.2);
                double agl = Math.Round(o.AltitudeAglM + Normal(rng, 0.05), 2);

                // A nadir gimbal holds −90° to a few tenths of a degree; its yaw follows the line within about 1°.
                double yaw = Round2(Normalize(heading + Normal(rng, 1.0)));
                double pitch = Round2(-90 + Math.Min(1, Math.Abs(Normal(rng, 0.3))));
                double roll = Round2(Normal(rng, 0.3));
                double flightYaw = Round2(Normalize(yaw + Normal(rng, 0.5)));
                double flightPitch = Round2(-3 + Normal(rng, 0.7)); // nose down while flying forward
                double flightRoll = Round2(Normal(rng, 1.0));
                int index = poses.Count;
                poses.Add(new FlightPose(
                    index,
                    line,
                    $"IMG_{index + 1:0000}.jpg",
                    o.StartLocal.AddSeconds(Math.Round(seconds)),
                    (a * forward.E) + (c * right.E),
                    (a * forward.N) + (c * right.N),
                    agl,
                    new CameraAttitude(yaw, pitch, roll),
                    flightYaw,
                    flightPitch,
                    flightRoll));
                seconds += ShutterIntervalS;
            }

            seconds += TurnS;
        }

        return poses;
    }

    /// <summary>A standard normal sample (Box–Muller) times sigma.</summary>
    internal static double Normal(Random rng, double sigma) =>
        sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Degrees into (−180, 180], the DJI range.</summary>
    internal static double Normalize(double deg)
    {
        double d = deg % 360;
        return d > 180 ? d - 360 : d <= -180 ? d + 360 : d;
    }

    // Adding +0.0 turns a rounded −0 into 0, so no angle is written as "-0.00".
    private static double Round2(double v) => Math.Round(v, 2) + 0.0;
}
