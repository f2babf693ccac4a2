using System.Globalization;
using Microsoft.ML.OnnxRuntime;

// Runs a one-input, float32 ONNX model once: MODEL.onnx INPUT.bin OUTPUT.bin. INPUT.bin holds raw little-endian
// float32 values and INPUT.bin.shape the dimensions ("1 3 224 224"); the first output is written the same way.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: MODEL.onnx INPUT.bin OUTPUT.bin");
    return 2;
}

long[] shape = [.. File.ReadAllText(args[1] + ".shape").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
float[] input = new float[new FileInfo(args[1]).Length / sizeof(float)];
Buffer.BlockCopy(File.ReadAllBytes(args[1]), 0, input, 0, input.Length * sizeof(float));
using var session = new InferenceSession(args[0]);
using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
using var outputs = session.Run(new RunOptions(), [session.InputMetadata.Keys.First()], [value], [session.OutputMetadata.Keys.First()]);
var result = outputs[0].GetTensorDataAsSpan<float>().ToArray();
byte[] bytes = new byte[result.Length * sizeof(float)];
Buffer.BlockCopy(result, 0, bytes, 0, bytes.Length);
File.WriteAllBytes(args[2], bytes);
File.WriteAllText(args[2] + ".shape", string.Join(' ', outputs[0].GetTensorTypeAndShape().Shape));
return 0;
