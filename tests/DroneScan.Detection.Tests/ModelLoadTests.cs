using System.Security.Cryptography;

namespace DroneScan.Detection.Tests;

public class ModelLoadTests
{
    // ---- Ultralytics export: metadata as Ultralytics writes it ---------------------------------------

    [Fact]
    public void Load_ReadsTheUltralyticsContract_FromGraphAndMetadata()
    {
        // make_fixtures.py: brightness_model(k1, s1) with input "images" [batch, 3, 640, 640], output "output0"
        // [batch, 5, 3]; metadata version="8.2.0", stride="32", imgsz="[640, 640]", names="{0: 'landmine'}",
        // no dronescan.* keys, so Name falls back to the file name without extension.
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);
        var info = detector.Info;

        Assert.Equal(Fixtures.Ultralytics1Class, info.Path);
        Assert.Equal(640, info.InputSize);
        Assert.Equal(["landmine"], info.ClassNames);
        Assert.Equal("images", info.InputName);
        Assert.Equal("output0", info.OutputName);
        Assert.Equal(32, info.Stride);
        Assert.Equal("8.2.0", info.Version);
        Assert.Equal("ultralytics-1class", info.Name);
        Assert.Null(info.FixedBatch);     // the batch dimension is the symbolic "batch"
        Assert.Null(info.GsdM);
        Assert.Empty(info.ItemTypes);
    }

    [Fact]
    public void Load_Sha256_IsTheLowerCaseHexHashOfTheFile()
    {
        using var detector = OnnxDetector.Load(Fixtures.Ultralytics1Class);

        Assert.Matches("^[0-9a-f]{64}$", detector.Info.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Fixtures.Ultralytics1Class))), detector.Info.Sha256);
    }

    // ---- DroneScan export: dronescan.* keys override the Ultralytics ones ----------------------------

    [Fact]
    public void Load_ReadsTheDroneScanMetadata()
    {
        // make_fixtures.py: brightness_model(k3, s3, input_size=320), names="{0: 'ap_mine', 1: 'at_mine', 2: 'uxo'}",
        // stride="8", dronescan.gsd_m="0.01", dronescan.classes={"ap_mine": ["PFM-1", "PMN-2"], "at_mine": ["TM-62M"],
        // "uxo": ["M77"]}, dronescan.model_name="fixture-3class", dronescan.model_version="0.1.0".
        using var detector = OnnxDetector.Load(Fixtures.DroneScan3Class);
        var info = detector.Info;

        Assert.Equal(320, info.InputSize);
        Assert.Equal(["ap_mine", "at_mine", "uxo"], info.ClassNames);
        Assert.Equal(0.01, info.GsdM);
        Assert.Equal(["PFM-1", "PMN-2"], info.ItemTypes["ap_mine"]);
        Assert.Equal(["TM-62M"], info.ItemTypes["at_mine"]);
        Assert.Equal(["M77"], info.ItemTypes["uxo"]);
        Assert.Equal("fixture-3class", info.Name);
        Assert.Equal("0.1.0", info.Version);
        Assert.Equal(8, info.Stride);
    }

    // ---- No metadata at all ---------------------------------------------------------------------------

    [Fact]
    public void Load_WithoutMetadata_TakesSizeFromTheInputShape_AndNamesClassesByIndex()
    {
        // make_fixtures.py: brightness_model(k1, s1, input_size=256) saved with no metadata_props: the input is
        // [batch, 3, 256, 256] and the output [batch, 5, 3], so one class, named "class0"; the version falls
        // back to the graph's model_version (0 when unset).
        using var detector = OnnxDetector.Load(Fixtures.Bare1Class);
        var info = detector.Info;

        Assert.Equal(256, info.InputSize);
        Assert.Equal(["class0"], info.ClassNames);
        Assert.Equal("unversioned", info.Version); // no version metadata and no graph model_version
        Assert.Equal("bare-1class", info.Name);
        Assert.Null(info.Stride);
        Assert.Null(info.GsdM);
    }

    [Fact]
    public void Load_WhiteBoxModel_Is256WithOneClass()
    {
        // white_box_detector(size=256, stride=4): output [batch, 5, 64²]; names="{0: 'white_box'}".
        using var detector = OnnxDetector.Load(Fixtures.WhiteBox256);

        Assert.Equal(256, detector.Info.InputSize);
        Assert.Equal(["white_box"], detector.Info.ClassNames);
        Assert.Equal(4, detector.Info.Stride);
    }

    // ---- Broken contracts ------------------------------------------------------------------------------

    private static ModelLoadException AssertLoadFails(string path)
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(path));
        Assert.Contains(Path.GetFileName(path), ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.ModelPath);
        Assert.False(string.IsNullOrWhiteSpace(ex.Problem));
        return ex;
    }

    [Fact]
    public void Load_Throws_WhenTheOutputIsRank2()
    {
        // brightness_model(..., output_rank=2): a Flatten makes output0 [batch, 15] instead of [batch, 5, 3].
        var ex = AssertLoadFails(Fixtures.BadOutputRank);

        Assert.Contains("output 'output0'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[N, 4 + classes, anchors]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("15]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Throws_WhenTheInputIsInt32()
    {
        // brightness_model(..., input_type=INT32): the graph input is "images_in", int32, cast to float inside.
        var ex = AssertLoadFails(Fixtures.BadInputType);

        Assert.Contains("input 'images_in'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("float32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Throws_WhenNamesDisagreeWithTheOutputRows()
    {
        // names="{0: 'a', 1: 'b'}" (2 classes → 6 rows expected) on the one-class table (5 rows).
        var ex = AssertLoadFails(Fixtures.BadNamesCount);

        Assert.Contains("5 rows", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 classes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Throws_WhenTheFileIsNotOnnx()
    {
        // not-a-model.onnx is the text "this is not an ONNX model\n".
        var ex = AssertLoadFails(Fixtures.NotAModel);

        Assert.Contains("not a loadable ONNX model", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void Load_Throws_WhenTheFileIsMissing()
    {
        var ex = AssertLoadFails(Fixtures.Missing);

        Assert.Contains("not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Throws_WhenThePathIsNull() =>
        Assert.Throws<ArgumentNullException>(() => OnnxDetector.Load(null!));
}
