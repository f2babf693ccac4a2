using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Cli.Detect;

/// <summary>A way of printing detection results.</summary>
internal interface IDetectReport
{
    void Write(PhotoDetections result);

    void Complete();
}

/// <summary>
/// Exactly one JSON object per photo per line, a format other tools read:
/// <c>{"file", "width", "height", "detections": [{"label", "score", "x1", "y1", "x2", "y2"}], "error"}</c>, pixels
/// of the oriented original photo; a photo that cannot be read still gets its line, with the reason in "error".
/// "scale" and "tiles" say how the photo was processed.
/// </summary>
internal sealed class DetectJsonReport(TextWriter output, ModelInfo model) : IDetectReport
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Write(PhotoDetections result)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("file", result.File);
            w.WriteNumber("width", result.Width);
            w.WriteNumber("height", result.Height);
            w.WriteStartArray("detections");
            var used = result.Model ?? model;
            foreach (var d in result.Detections)
            {
                w.WriteStartObject();
                w.WriteString("label", used.ClassNames[d.ClassId]);
                w.WriteNumber("score", Math.Round(d.Score, 4));
                w.WriteNumber("x1", Math.Round(d.Box.X1, 1));
                w.WriteNumber("y1", Math.Round(d.Box.Y1, 1));
                w.WriteNumber("x2", Math.Round(d.Box.X2, 1));
                w.WriteNumber("y2", Math.Round(d.Box.Y2, 1));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("error", result.Error);
            w.WriteNumber("scale", Math.Round(result.Scale, 4));
            w.WriteNumber("tiles", result.Tiles);
            if (result.Model is { } m)
            {
                w.WriteString("model", m.Name);
                w.WriteString("model_version", m.Version);
                w.WriteString("sensor", m.Sensor == DroneScan.Core.Photos.ImageSensor.Thermal ? "thermal" : "rgb");
            }

            if (result.ModelNote is { } note)
            {
                w.WriteString("model_note", note);
            }

            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Flush();
    }

    public void Complete() => output.Flush();
}

/// <summary>For people: a line per photo, a line per detection, a summary.</summary>
internal sealed class DetectTableReport(TextWriter output, ModelInfo model) : IDetectReport
{
    private readonly SortedSet<string> _models = new(StringComparer.Ordinal);
    private int _photos;
    private int _failed;
    private int _detections;

    public void Write(PhotoDetections result)
    {
        var c = CultureInfo.InvariantCulture;
        _photos++;
        if (result.Error is not null)
        {
            _failed++;
            output.WriteLine($"{result.File}: error: {result.Error}");
            return;
        }

        _detections += result.Detections.Count;
        var used = result.Model ?? model;
        _models.Add($"{used.Name} {used.Version}");
        output.WriteLine(string.Create(c, $"{result.File}: {result.Width}×{result.Height}, {result.Tiles} tiles at scale {result.Scale:0.###}, {result.Detections.Count} detection(s)"));
        if (result.ModelNote is { } note)
        {
            output.WriteLine($"  model {used.Name}: {note}");
        }

        foreach (var d in result.Detections)
        {
            output.WriteLine(string.Create(c, $"  {used.ClassNames[d.ClassId],-12} {d.Score:0.00}  ({d.Box.X1:0},{d.Box.Y1:0})-({d.Box.X2:0},{d.Box.Y2:0})"));
        }
    }

    public void Complete()
    {
        string models = _models.Count > 1 ? $"models {string.Join(", ", _models)} (each photo through the model of its sensor)" : $"model {_models.FirstOrDefault() ?? $"{model.Name} {model.Version}"}";
        output.WriteLine($"{_photos} photo(s), {_failed} unreadable, {_detections} detection(s); {models}");
        output.Flush();
    }
}
