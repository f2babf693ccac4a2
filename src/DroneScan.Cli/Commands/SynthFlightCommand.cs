using System.CommandLine;
using System.Globalization;
using DroneScan.Synth;
using DroneScan.Synth.Flight;

namespace DroneScan.Cli.Commands;

/// <summary><c>dronescan synth flight</c>: a small demo flight with planted items at known positions, DJI-style
/// metadata and ground truth.</summary>
internal static class SynthFlightCommand
{
    /// <summary>The CC0 sample photo the ground is cut from, with the height it was flown at (its GSD: 1.9 cm/px).</summary>
    internal const string DefaultBackground = "data-samples/caliterra/IMG_9400.jpg=55";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var defaults = new FlightOptions { Background = new BackgroundPhoto(string.Empty, 0) };
        var outDir = new Option<string>("--out") { Description = "Output folder (photos, truth.geojson, flight.json)", Required = true, HelpName = "DIR" };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same bytes", DefaultValueFactory = _ => defaults.Seed, HelpName = "S" };
        var photos = new Option<int>("--photos") { Description = "Number of photos", DefaultValueFactory = _ => defaults.Photos, HelpName = "N" };
        var lines = new Option<int>("--lines") { Description = "Number of flight lines", DefaultValueFactory = _ => defaults.Lines, HelpName = "N" };
        var agl = new Option<double>("--agl") { Description = "Flight height above ground, metres", DefaultValueFactory = _ => defaults.AltitudeAglM, HelpName = "M" };
        var heading = new Option<double>("--heading") { Description = "Heading of the first line, degrees clockwise from north", DefaultValueFactory = _ => defaults.HeadingDeg, HelpName = "DEG" };
        var width = new Option<int>("--width") { Description = "Photo width, pixels", DefaultValueFactory = _ => defaults.WidthPx, HelpName = "PX" };
        var height = new Option<int>("--height") { Description = "Photo height, pixels", DefaultValueFactory = _ => defaults.HeightPx, HelpName = "PX" };
        var focal35 = new Option<int>("--focal-35mm") { Description = "35 mm-equivalent focal length written to EXIF (sets the focal length in pixels)", DefaultValueFactory = _ => defaults.FocalLength35mm, HelpName = "MM" };
        var targets = new Option<int>("--targets") { Description = "Mines and UXO to plant", DefaultValueFactory = _ => defaults.Targets, HelpName = "N" };
        var negatives = new Option<int>("--negatives") { Description = "Hard negatives (stones, cans, …) to plant", DefaultValueFactory = _ => defaults.Negatives, HelpName = "N" };
        var biasEast = new Option<double>("--gps-bias-east") { Description = "GPS error common to the flight, metres east (written positions only)", HelpName = "M" };
        var biasNorth = new Option<double>("--gps-bias-north") { Description = "GPS error common to the flight, metres north (written positions only)", HelpName = "M" };
        var lat = new Option<double>("--lat") { Description = "Latitude of the flight centre, degrees", DefaultValueFactory = _ => defaults.OriginLatitudeDeg };
        var lon = new Option<double>("--lon") { Description = "Longitude of the flight centre, degrees", DefaultValueFactory = _ => defaults.OriginLongitudeDeg };
        var ground = new Option<double>("--ground-elevation") { Description = "Ground elevation (GPS altitude datum), metres", DefaultValueFactory = _ => defaults.GroundElevationM, HelpName = "M" };
        var mosaicGsd = new Option<double>("--mosaic-gsd") { Description = "GSD of the ground mosaic the photos are rendered from, metres per pixel", DefaultValueFactory = _ => defaults.MosaicGsdM, HelpName = "M" };
        var dem = new Option<string?>("--dem") { Description = "Drape the ground over this DEM (single-band GeoTIFF); the flight centre defaults to the DEM's centre and the altitudes are written in the DEM's datum", HelpName = "FILE" };
        var takeOffBelow = new Option<double>("--take-off-below") { Description = "With --dem: the drone took off this far below the ground under the flight centre (its relative altitude is that much more)", DefaultValueFactory = _ => defaults.TakeOffBelowCentreM, HelpName = "M" };
        var background = new Option<string?>("--background") { Description = $"Ground photo as PATH=AGL_M (default: {DefaultBackground})", HelpName = "PATH[=AGL]" };
        CliChecks.AtLeast(photos, 2);
        CliChecks.AtLeast(lines, 1);
        CliChecks.AtLeast(width, 64);
        CliChecks.AtLeast(height, 64);
        CliChecks.AtLeast(focal35, 1);
        CliChecks.AtLeast(targets, 0);
        CliChecks.AtLeast(negatives, 0);
        CliChecks.InRange(agl, 2, 500);
        CliChecks.InRange(lat, -85, 85);
        CliChecks.InRange(lon, -180, 180);
        CliChecks.InRange(mosaicGsd, 0.001, 0.05);

        var flight = new Command("flight", "Write a demo flight: photos of planted items with DJI-style metadata, truth.geojson, flight.json")
        {
            outDir, seed, photos, lines, agl, heading, width, height, focal35, targets, negatives, biasEast, biasNorth, lat, lon, ground, mosaicGsd, background, dem, takeOffBelow,
        };
        flight.Validators.Add(r =>
        {
            if (r.GetValue(lines) > r.GetValue(photos))
            {
                r.AddError("--lines must not exceed --photos");
            }
        });
        flight.SetAction(parse =>
        {
            string source = parse.GetValue(background) ?? SynthCommand.FromRepo(DefaultBackground);
            var (found, problems) = Backgrounds.Resolve([source]);
            foreach (var p in problems)
            {
                error.WriteLine(p);
            }

            if (found.Count != 1)
            {
                error.WriteLine($"--background {source}: need exactly one photo with a known GSD, found {found.Count}");
                return 1;
            }

            DroneScan.Core.Terrain.ElevationGrid? terrain = null;
            if (parse.GetValue(dem) is { } demPath)
            {
                try
                {
                    terrain = DroneScan.Imaging.Terrain.GeoTiffDemReader.Read(demPath, DemCliOptions.DefaultSigmaM).Grid;
                }
                catch (DroneScan.Imaging.Terrain.DemFileException ex)
                {
                    error.WriteLine($"--dem: {ex.Message}");
                    return 1;
                }

                if (terrain.Projection != DroneScan.Core.Terrain.GridProjection.Geographic && (parse.GetResult(lat) is not { Implicit: false } || parse.GetResult(lon) is not { Implicit: false }))
                {
                    error.WriteLine($"--dem: {terrain.Name} is in {terrain.Projection}; give the flight centre with --lat and --lon");
                    return 1;
                }
            }

            var options = new FlightOptions
            {
                Background = found[0],
                Seed = parse.GetValue(seed),
                Photos = parse.GetValue(photos),
                Lines = parse.GetValue(lines),
                AltitudeAglM = parse.GetValue(agl),
                HeadingDeg = parse.GetValue(heading),
                WidthPx = parse.GetValue(width),
                HeightPx = parse.GetValue(height),
                FocalLength35mm = parse.GetValue(focal35),
                Targets = parse.GetValue(targets),
                Negatives = parse.GetValue(negatives),
                GpsBiasEastM = parse.GetValue(biasEast),
                GpsBiasNorthM = parse.GetValue(biasNorth),
                OriginLatitudeDeg = terrain is not null && parse.GetResult(lat) is not { Implicit: false } ? terrain.CentreY0 - ((terrain.Height - 1) * terrain.StepY / 2) : parse.GetValue(lat),
                OriginLongitudeDeg = terrain is not null && parse.GetResult(lon) is not { Implicit: false } ? terrain.CentreX0 + ((terrain.Width - 1) * terrain.StepX / 2) : parse.GetValue(lon),
                Terrain = terrain,
                TakeOffBelowCentreM = parse.GetValue(takeOffBelow),
                GroundElevationM = parse.GetValue(ground),
                MosaicGsdM = parse.GetValue(mosaicGsd),
            };
            string dir = parse.GetValue(outDir)!;
            try
            {
                var record = SyntheticFlight.Write(options, dir, output.WriteLine);
                double gsd = record.Photos.Average(p => p.GsdM);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dir}: {record.Photos.Count} photos of {options.WidthPx} × {options.HeightPx} px at {options.AltitudeAglM:0.#} m AGL ({gsd * 100:0.00} cm/px), {record.Items.Count(i => i.Target)} targets and {record.Items.Count(i => !i.Target)} hard negatives"));
                return 0;
            }
            catch (ArgumentException ex)
            {
                error.WriteLine(ex.Message);
                return 1;
            }
        });
        return flight;
    }
}
