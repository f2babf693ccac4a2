using System.CommandLine;
using System.Globalization;
using DroneScan.Cli.Inspect;
using DroneScan.Core.Camera;
using DroneScan.Core.Photos;
using DroneScan.Imaging.Metadata;

namespace DroneScan.Cli.Commands;

/// <summary><c>dronescan inspect PHOTO...</c>: what each photo says, and where its pixels lie on the ground.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var photos = new Argument<string[]>("photos") { Description = "Photo files or folders of photos", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "One JSON object per photo per line instead of a table" };
        var pixel = new Option<string?>("--pixel") { Description = "Also locate this pixel, 'U,V' in the oriented image (0,0 = top-left corner)", HelpName = "U,V" };
        var geo = new GeoreferenceCliOptions();

        pixel.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && ParsePixel(r.Tokens[0].Value) is null)
            {
                r.AddError($"--pixel '{r.Tokens[0].Value}' is not 'U,V' (two numbers, e.g. 2736,1824)");
            }
        });
        var command = new Command("inspect", "Read each photo's metadata and georeference it: position, height, attitude, GSD, footprint, uncertainty")
        {
            photos, json, pixel,
        };
        geo.AddTo(command);

        command.SetAction(parse =>
        {
            if (geo.Read(parse, error) is not { } options)
            {
                return 1;
            }

            var pixelPoint = parse.GetValue(pixel) is { } p ? ParsePixel(p) : null;
            return Run(parse.GetValue(photos) ?? [], options, pixelPoint, parse.GetValue(json), output, error);
        });
        return command;
    }

    private static int Run(string[] paths, GeoreferenceOptions options, PixelPoint? pixel, bool json, TextWriter output, TextWriter error)
    {
        var (files, missing) = PhotoFiles.Expand(paths, PhotoFiles.MetadataExtensions, recursive: false);
        foreach (var m in missing)
        {
            error.WriteLine($"{m}: no such file or folder");
        }

        if (files.Count == 0)
        {
            error.WriteLine("no photos to inspect (JPEG or TIFF files, or folders holding them)");
            return 1;
        }

        var report = json ? (IInspectReport)new JsonLinesReport(output) : new TableReport(output);
        foreach (var file in files)
        {
            report.Write(Inspect(file, options, pixel));
        }

        report.Complete();
        return missing.Count == 0 ? 0 : 1;
    }

    private static InspectResult Inspect(string file, GeoreferenceOptions options, PixelPoint? pixel)
    {
        var metadata = PhotoMetadataReader.Read(file);
        var photo = PhotoGeoreferencer.Resolve(metadata, options);
        try
        {
            return InspectResult.From(photo, pixel);
        }
        catch (NetTopologySuite.Geometries.TopologyException ex)
        {
            // Degenerate geometry from extreme values concerns this photo only.
            var failure = new PhotoDiagnostic(metadata.FileName, DiagnosticSeverity.Error, DiagnosticCodes.InvalidValue, "footprint", ex.Message);
            return new InspectResult { Photo = photo with { Georeference = null, Diagnostics = [.. photo.Diagnostics, failure] }, Pixel = pixel };
        }
    }

    internal static PixelPoint? ParsePixel(string text)
    {
        var parts = text.Split(',');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double u)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            && double.IsFinite(u) && double.IsFinite(v)
            ? new PixelPoint(u, v)
            : null;
    }
}
