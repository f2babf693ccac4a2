using System.Security.Cryptography;
using System.Text;
using DroneScan.Core.Detection;

namespace DroneScan.Detection.Tests;

public class VerifierLoadTests
{
    private static string FileSha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Load_ReadsTheTwoStageMetadata_AndLoadsTheVerifierFromTheModelsFolder()
    {
        // make_fixtures.py: white-box-256-verified.onnx names verifier-red-32.onnx, proposal_score 0.05,
        // default_conf 0.3; the verifier: chips [batch, 3, 32, 32] → prob [batch, 1], chip_context 1.5,
        // chip_min_px 8, verify_weight 0.5, model_name fixture-verifier, model_version 0.2.0.
        using var detector = OnnxDetector.Load(Fixtures.WhiteBoxVerified);
        var info = detector.Info;

        Assert.Equal(0.05f, info.ProposalScore);
        Assert.Equal(0.3, info.DefaultConf);
        Assert.NotNull(detector.Verifier);
        var verifier = info.Verifier!;
        Assert.Same(detector.Verifier!.Info, verifier);
        Assert.Equal(Path.GetFullPath(Fixtures.RedVerifier), verifier.Path);
        Assert.Equal(("fixture-verifier", "0.2.0"), (verifier.Name, verifier.Version));
        Assert.Equal(FileSha256(Fixtures.RedVerifier), verifier.Sha256);
        Assert.Equal(("chips", "prob"), (verifier.InputName, verifier.OutputName));
        Assert.Equal(32, verifier.ChipSize);
        Assert.Null(verifier.FixedBatch);
        Assert.Equal((1.5, 8.0, 0.5), (verifier.ChipContext, verifier.ChipMinPx, verifier.VerifyWeight));
    }

    [Fact]
    public void Load_TheRecordedHashCoversBothFiles()
    {
        using var detector = OnnxDetector.Load(Fixtures.WhiteBoxVerified);
        string detectorHash = FileSha256(Fixtures.WhiteBoxVerified), verifierHash = FileSha256(Fixtures.RedVerifier);

        Assert.Equal(detectorHash, detector.Info.FileSha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{detectorHash}:{verifierHash}"))), detector.Info.Sha256);
        Assert.NotEqual(ModelInfo.CombinedSha256(detectorHash, new string('0', 64)), detector.Info.Sha256);
    }

    [Fact]
    public void Load_WithoutAVerifier_HasNoneAndTheFileHash()
    {
        using var detector = OnnxDetector.Load(Fixtures.WhiteBox256);

        Assert.Null(detector.Verifier);
        Assert.Null(detector.Info.Verifier);
        Assert.Null(detector.Info.ProposalScore);
        Assert.Null(detector.Info.DefaultConf);
        Assert.Equal(detector.Info.FileSha256, detector.Info.Sha256);
    }

    [Fact]
    public void Verify_ReturnsOneProbabilityPerChip()
    {
        // p = mean red of the central 4 × 4: a chip of red 0.25 everywhere and one of 1.
        using var detector = OnnxDetector.Load(Fixtures.WhiteBoxVerified);
        var chips = Tiles.Uniform(32, 0.25f, 1f);
        var p = new float[2];

        detector.Verifier!.Verify(chips, 2, p);

        Assert.Equal([0.25f, 1f], p);
    }

    [Fact]
    public void Load_AVerifierWithFiveOutputColumns_RefinesBoxes_AndOneWithOneColumnDoesNot()
    {
        using var refined = OnnxDetector.Load(Fixtures.WhiteBoxRefined);
        using var plain = OnnxDetector.Load(Fixtures.WhiteBoxVerified);

        Assert.True(refined.Info.Verifier!.RefinesBoxes);
        Assert.Equal(("fixture-box-verifier", "0.3.0", 32), (refined.Info.Verifier.Name, refined.Info.Verifier.Version, refined.Info.Verifier.ChipSize));
        Assert.False(plain.Info.Verifier!.RefinesBoxes);
    }

    [Fact]
    public void Verify_WithFiveColumns_ReturnsTheProbability_AndEachChipsBoxDeltas()
    {
        // verifier-box-red-32.onnx: p = mean red of the central 4 × 4, deltas fixed at (0.125, −0.0625, ln ¼, ln ½).
        using var detector = OnnxDetector.Load(Fixtures.WhiteBoxRefined);
        var chips = Tiles.Uniform(32, 0.25f, 1f);
        var p = new float[2];
        var deltas = new ChipBoxDeltas[2];

        detector.Verifier!.Verify(chips, 2, p, deltas);

        Assert.Equal([0.25f, 1f], p);
        Assert.All(deltas, d =>
        {
            Assert.Equal(0.125, d.Dx, 1e-7);
            Assert.Equal(-0.0625, d.Dy, 1e-7);
            Assert.Equal(Math.Log(0.25), d.LogWidth, 1e-6);
            Assert.Equal(Math.Log(0.5), d.LogHeight, 1e-6);
        });
    }

    [Fact]
    public void Verify_WithOneColumn_LeavesTheDeltasUntouched()
    {
        using var detector = OnnxDetector.Load(Fixtures.WhiteBoxVerified);
        var p = new float[1];
        var deltas = new ChipBoxDeltas[] { new(7, 7, 7, 7) };

        detector.Verifier!.Verify(Tiles.Uniform(32, 0.5f), 1, p, deltas);

        Assert.Equal(0.5f, p[0]);
        Assert.Equal(new ChipBoxDeltas(7, 7, 7, 7), deltas[0]);
    }

    [Fact]
    public void Load_Throws_WhenTheVerifierOutputHasNeitherOneNorFiveColumns()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(Fixtures.VerifierThreeColumns));

        Assert.EndsWith("verifier-3-columns.onnx", ex.ModelPath, StringComparison.Ordinal);
        Assert.Contains("[N, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[N, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Contains(", 3] ", ex.Message + " ", StringComparison.Ordinal); // the shape it has
    }

    [Fact]
    public void Load_ReadsTheScreen_AndTheRecordedHashCoversAllThreeFiles()
    {
        using var detector = OnnxDetector.Load(Fixtures.WhiteBoxScreened);
        var verifier = detector.Info.Verifier!;
        string detectorHash = FileSha256(Fixtures.WhiteBoxScreened), verifierHash = FileSha256(Fixtures.ScreenedVerifier), screenHash = FileSha256(Fixtures.GreenScreen);

        Assert.NotNull(detector.Verifier!.Screen);
        Assert.Same(detector.Verifier.Screen!.Info, verifier.Screen);
        Assert.Equal(Path.GetFullPath(Fixtures.GreenScreen), verifier.Screen!.Path);
        Assert.Equal(("fixture-screen", "0.1.0"), (verifier.Screen.Name, verifier.Screen.Version));
        Assert.Equal(0.5, verifier.ScreenScore);
        Assert.Equal(verifierHash, verifier.Sha256);
        Assert.Equal(ModelInfo.CombinedSha256(verifierHash, screenHash), verifier.StageSha256);
        Assert.Equal(ModelInfo.CombinedSha256(detectorHash, ModelInfo.CombinedSha256(verifierHash, screenHash)), detector.Info.Sha256);

        using var unscreened = OnnxDetector.Load(Fixtures.WhiteBoxVerified);
        Assert.Null(unscreened.Verifier!.Screen);
        Assert.Equal(unscreened.Info.Verifier!.Sha256, unscreened.Info.Verifier.StageSha256);
    }

    [Fact]
    public void Load_Throws_NamingTheScreenFile_WhenItIsMissing_OrTakesOtherChips()
    {
        var missing = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(Fixtures.ScreenMissing));
        var other = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(Fixtures.ScreenOtherChips));

        Assert.Equal(Path.Combine(Path.GetFullPath(Fixtures.Dir), "no-such-screen.onnx"), missing.ModelPath);
        Assert.Contains("screen file not found", missing.Message, StringComparison.Ordinal);
        Assert.Contains("verifier-screen-missing.onnx", missing.Message, StringComparison.Ordinal); // the verifier that names it
        Assert.Equal(Path.Combine(Path.GetFullPath(Fixtures.Dir), "screen-green-16.onnx"), other.ModelPath);
        Assert.Contains("32 px", other.Message, StringComparison.Ordinal);
        Assert.Contains("not 16 px", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Throws_NamingTheVerifierFile_WhenItIsMissing()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(Fixtures.VerifierMissing));

        Assert.Equal(Path.Combine(Path.GetFullPath(Fixtures.Dir), "no-such-verifier.onnx"), ex.ModelPath);
        Assert.Contains("no-such-verifier.onnx: verifier file not found", ex.Message, StringComparison.Ordinal);
        Assert.Contains("verifier-missing.onnx", ex.Message, StringComparison.Ordinal); // the model that names it
    }

    [Fact]
    public void Load_Throws_NamingTheVerifierFile_WhenItIsNotOnnx()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(Fixtures.VerifierNotAModel));

        Assert.EndsWith("not-a-model.onnx", ex.ModelPath, StringComparison.Ordinal);
        Assert.Contains("not a loadable ONNX verifier", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Throws_WhenTheVerifierBreaksItsContract()
    {
        // verifier-wrong-contract.onnx names bare-1class.onnx, a detector: output [batch, 5, 3], not [N, 1].
        var ex = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(Fixtures.VerifierWrongContract));

        Assert.EndsWith("bare-1class.onnx", ex.ModelPath, StringComparison.Ordinal);
        Assert.Contains("[N, 1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Throws_WhenANumberTheModelDependsOnIsNotANumber()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxDetector.Load(Fixtures.BadDefaultConf));

        Assert.Equal(Fixtures.BadDefaultConf, ex.ModelPath);
        Assert.Contains("'dronescan.default_conf' must be a number in [0, 1], not 'high'", ex.Message, StringComparison.Ordinal);
    }
}
