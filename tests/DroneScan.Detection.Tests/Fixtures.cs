namespace DroneScan.Detection.Tests;

/// <summary>The fixture models (written by Models/make_fixtures.py, copied next to the test assembly).</summary>
internal static class Fixtures
{
    public static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Models");

    public static string Ultralytics1Class => Path.Combine(Dir, "ultralytics-1class.onnx");

    public static string DroneScan3Class => Path.Combine(Dir, "dronescan-3class.onnx");

    public static string Bare1Class => Path.Combine(Dir, "bare-1class.onnx");

    public static string WhiteBox256 => Path.Combine(Dir, "white-box-256.onnx");

    public static string BadOutputRank => Path.Combine(Dir, "bad-output-rank.onnx");

    public static string BadInputType => Path.Combine(Dir, "bad-input-type.onnx");

    public static string BadNamesCount => Path.Combine(Dir, "bad-names-count.onnx");

    public static string NotAModel => Path.Combine(Dir, "not-a-model.onnx");

    /// <summary>The white-box detector naming <see cref="RedVerifier"/> (proposal 0.05, default conf 0.3).</summary>
    public static string WhiteBoxVerified => Path.Combine(Dir, "white-box-256-verified.onnx");

    /// <summary>A chip verifier: p = mean red of the chip's central 4 × 4 of 32 × 32 (context 1.5, min 8 px, weight 0.5).</summary>
    public static string RedVerifier => Path.Combine(Dir, "verifier-red-32.onnx");

    /// <summary>A verifier with output [N, 5]: p as <see cref="RedVerifier"/>, then the fixed deltas dx 0.125, dy −0.0625,
    /// log w ln 0.25, log h ln 0.5 for every chip (context 1.5, min 8 px, weight 0.5).</summary>
    public static string BoxRedVerifier => Path.Combine(Dir, "verifier-box-red-32.onnx");

    /// <summary>The white-box detector naming <see cref="BoxRedVerifier"/> (proposal 0.05, default conf 0.3).</summary>
    public static string WhiteBoxRefined => Path.Combine(Dir, "white-box-256-refined.onnx");

    /// <summary>A detector naming a verifier with output [N, 3], which is neither contract.</summary>
    public static string VerifierThreeColumns => Path.Combine(Dir, "verifier-3-columns-named.onnx");

    public static string VerifierMissing => Path.Combine(Dir, "verifier-missing.onnx");

    public static string VerifierNotAModel => Path.Combine(Dir, "verifier-not-a-model.onnx");

    public static string VerifierWrongContract => Path.Combine(Dir, "verifier-wrong-contract.onnx");

    public static string BadDefaultConf => Path.Combine(Dir, "bad-default-conf.onnx");

    /// <summary>The white-box detector naming <see cref="ScreenedVerifier"/> (proposal 0.05, default conf 0.3).</summary>
    public static string WhiteBoxScreened => Path.Combine(Dir, "white-box-256-screened.onnx");

    /// <summary><see cref="RedVerifier"/>'s graph (context 1.5, min 8 px, weight 0.5) naming <see cref="GreenScreen"/>
    /// as its screen with <c>dronescan.screen_score</c> 0.5.</summary>
    public static string ScreenedVerifier => Path.Combine(Dir, "verifier-red-32-screened.onnx");

    /// <summary>A screen: p = mean green of the chip's central 4 × 4 of 32 × 32 (context 1.5, min 8 px).</summary>
    public static string GreenScreen => Path.Combine(Dir, "screen-green-32.onnx");

    /// <summary>A detector whose verifier names a screen file that is not there.</summary>
    public static string ScreenMissing => Path.Combine(Dir, "white-box-256-screen-missing.onnx");

    /// <summary>A detector whose verifier names a screen of 16-px chips (the verifier takes 32 px).</summary>
    public static string ScreenOtherChips => Path.Combine(Dir, "white-box-256-screen-16.onnx");

    /// <summary>Declares <c>dronescan.sensor</c> = thermal and <c>dronescan.bands</c> = lwir,lwir,lwir.</summary>
    public static string Thermal1Class => Path.Combine(Dir, "thermal-1class.onnx");

    /// <summary>Declares <c>dronescan.sensor</c> = sonar.</summary>
    public static string BadSensor => Path.Combine(Dir, "bad-sensor.onnx");

    public static string Missing => Path.Combine(Dir, "no-such-model.onnx");
}

/// <summary>NCHW float tiles, RGB 0–1, as <see cref="OnnxDetector.Detect"/> takes them.</summary>
internal static class Tiles
{
    /// <summary>A batch of <paramref name="values"/>.Length tiles, tile n filled with values[n] in every channel.</summary>
    public static float[] Uniform(int size, params float[] values)
    {
        int plane = 3 * size * size;
        var batch = new float[values.Length * plane];
        for (int n = 0; n < values.Length; n++)
        {
            Array.Fill(batch, values[n], n * plane, plane);
        }

        return batch;
    }

    /// <summary>One black tile with a white rectangle covering columns [x1, x2) and rows [y1, y2), all channels.</summary>
    public static float[] WithRectangle(int size, int x1, int y1, int x2, int y2)
    {
        var tile = new float[3 * size * size];
        for (int c = 0; c < 3; c++)
        {
            for (int y = y1; y < y2; y++)
            {
                Array.Fill(tile, 1f, (c * size * size) + (y * size) + x1, x2 - x1);
            }
        }

        return tile;
    }
}
