using System.Text.Json;
using DroneScan.Detection;

namespace DroneScan.Cli.Tests;

/// <summary>
/// The models in models/ load, declare what the contract asks, and find the objects in the committed sample
/// sets (data-samples/synthetic: test-split backgrounds; data-samples/thermal: held-out zones). The floors sit
/// below the measured values in the model cards, so a regression — not noise — turns them red.
/// </summary>
public class ShippedModelTests
{
    private static string Model(string name) => Path.Combine(TestData.RepoRoot, "models", name);

    private static string Samples(string name) => Path.Combine(TestData.RepoRoot, "data-samples", name);

    private static JsonElement Evaluate(string model, string data)
    {
        var run = CliRun.Of("eval", "--data", data, "--model", model, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Output).RootElement.GetProperty("overall").Clone();
    }

    [Theory]
    [InlineData("dronescan-rgb.onnx", new[] { "ap_mine", "at_mine", "uxo" })]
    [InlineData("dronescan-thermal.onnx", new[] { "landmine" })]
    [InlineData("dronescan-rgb-pfm1.onnx", new[] { "ap_mine", "at_mine", "uxo" })]
    public void AShippedModel_LoadsWithItsMetadata_AndIsSmall(string file, string[] classes)
    {
        using var detector = OnnxDetector.Load(Model(file));
        var info = detector.Info;

        Assert.Equal(classes, info.ClassNames);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), info.Name);
        Assert.NotEqual("unversioned", info.Version);
        Assert.Equal(640, info.InputSize);
        Assert.True(new FileInfo(Model(file)).Length <= 15 * 1024 * 1024, "models must stay under 15 MB");
        Assert.True(File.Exists(Path.ChangeExtension(Model(file), ".md")), "every model has a model card");
    }

    [Theory]
    [InlineData("dronescan-rgb.onnx", DroneScan.Core.Photos.ImageSensor.Rgb, "red,green,blue")]
    [InlineData("dronescan-thermal.onnx", DroneScan.Core.Photos.ImageSensor.Thermal, "lwir,lwir,lwir")]
    [InlineData("dronescan-rgb-pfm1.onnx", DroneScan.Core.Photos.ImageSensor.Rgb, "red,green,blue")]
    public void AShippedModel_DeclaresItsSensorAndBands(string file, DroneScan.Core.Photos.ImageSensor sensor, string bands)
    {
        using var detector = OnnxDetector.Load(Model(file));

        Assert.True(detector.Info.SensorDeclared);
        Assert.Equal(sensor, detector.Info.Sensor);
        Assert.Equal(bands.Split(','), detector.Info.Bands);
    }

    [Fact]
    public void TheRgbModel_DeclaresItsGsdAndItemTypes()
    {
        using var detector = OnnxDetector.Load(Model("dronescan-rgb.onnx"));

        Assert.NotNull(detector.Info.GsdM);
        Assert.Contains("PFM-1", detector.Info.ItemTypes["ap_mine"]);
        Assert.Contains("TM-62M", detector.Info.ItemTypes["at_mine"]);
    }

    [Fact]
    public void TheRgbModel_FindsMostObjectsOfTheSyntheticSamples()
    {
        var overall = Evaluate(Model("dronescan-rgb.onnx"), Samples("synthetic"));

        Assert.True(overall.GetProperty("ap50").GetDouble() >= RgbSampleAp50Floor, overall.ToString());
    }

    [Fact]
    public void TheThermalModel_FindsMostMinesOfTheHeldOutSamples()
    {
        var overall = Evaluate(Model("dronescan-thermal.onnx"), Samples("thermal"));

        Assert.True(overall.GetProperty("ap50").GetDouble() >= ThermalSampleAp50Floor, overall.ToString());
        // At the card's recommended threshold (0.30): at least half of the 12 mines boxed at IoU 0.5.
        var atConf = CliRun.Of("eval", "--data", Samples("thermal"), "--model", Model("dronescan-thermal.onnx"), "--conf", "0.3", "--json");
        Assert.True(atConf.ExitCode == 0, atConf.Error);
        var found = JsonDocument.Parse(atConf.Output).RootElement.GetProperty("overall").GetProperty("atConf").GetProperty("tp").GetInt32();
        Assert.True(found >= ThermalSampleMinesFoundFloor, $"{found} of 12 mines found at --conf 0.3");
    }

    [Fact]
    public void Detect_UsesTheShippedRgbModel_ByDefault()
    {
        var run = CliRun.Of("detect", "--json", Path.Combine(Samples("synthetic"), "images"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(8, run.JsonLines().Count);
        Assert.Contains(run.JsonLines(), l => l.GetProperty("detections").GetArrayLength() > 0);
    }

    private static string SensorFixture(string name) =>
        Path.Combine(TestData.RepoRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "sensor", name);

    [Fact]
    public void Detect_WithoutModel_RunsEachPhotoOfAMixedPairThroughTheModelOfItsSensor()
    {
        // A DJI wide + thermal pair of one shot (tools/fixtures/make-sensor-photos.sh) and a plain RGB photo.
        var run = CliRun.Of("detect", "--json", SensorFixture("DJI_20240501101500_0001_T.JPG"), SensorFixture("DJI_20240501101500_0001_W.JPG"), TestData.Caliterra);

        Assert.True(run.ExitCode == 0, run.Error);
        var models = run.JsonLines().ToDictionary(l => Path.GetFileName(l.GetProperty("file").GetString()!), l => l.GetProperty("model").GetString());
        Assert.Equal("dronescan-thermal", models["DJI_20240501101500_0001_T.JPG"]);
        Assert.Equal("dronescan-rgb", models["DJI_20240501101500_0001_W.JPG"]);
        Assert.Equal("dronescan-rgb", models["IMG_9400.jpg"]);
    }

    [Fact]
    public void Scan_WithoutModel_RunsEachPhotoThroughTheModelOfItsSensor_AndSaysSo()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dronescan-mixed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            foreach (var name in new[] { "DJI_20240501101500_0001_T.JPG", "DJI_20240501101500_0001_W.JPG" })
            {
                File.Copy(SensorFixture(name), Path.Combine(folder, name));
            }

            var run = CliRun.Of("scan", folder, "--db", Path.Combine(folder, "flights.db"));

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            Assert.Contains("Models           dronescan-rgb 0.3.0 (1 photo), dronescan-thermal 0.3.0 (1 photo): each photo the model of its sensor",
                run.Output, StringComparison.Ordinal);
            Assert.Contains("at the GSD limit of each photo's model", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Infinity", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Detect_TakesAShippedModelByName_AndNamesAnUnknownOne()
    {
        string tile = Path.Combine(Samples("pfm1-dev"), "images", "Phan4_200316_F02_54e9562fee78.jpg");

        var byName = CliRun.Of("detect", "--json", "--model", "dronescan-rgb-pfm1", tile);
        var unknown = CliRun.Of("detect", "--json", "--model", "dronescan-rgb-nothing", tile);

        Assert.True(byName.ExitCode == 0, byName.Error);
        Assert.Equal("dronescan-rgb-pfm1", Assert.Single(byName.JsonLines()).GetProperty("model").GetString());
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("dronescan-rgb-nothing: no such model file", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_WithModel_RunsEveryPhotoThroughThatModel()
    {
        var run = CliRun.Of("detect", "--json", "--model", Model("dronescan-rgb.onnx"), SensorFixture("DJI_20240501101500_0001_T.JPG"), SensorFixture("DJI_20240501101500_0001_W.JPG"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.All(run.JsonLines(), l => Assert.Equal("dronescan-rgb", l.GetProperty("model").GetString()));
    }

    [Fact]
    public void Detect_Table_NamesBothModels_ForAMixedPair()
    {
        var run = CliRun.Of("detect", SensorFixture("DJI_20240501101500_0001_T.JPG"), SensorFixture("DJI_20240501101500_0001_W.JPG"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("models dronescan-rgb 0.3.0, dronescan-thermal 0.3.0", run.Output, StringComparison.Ordinal);
    }

    // Measured on the samples: RGB AP50 0.884 (0.2.0) and 0.919 (0.3.0). Thermal: 12 mines only, so AP50 mostly
    // reflects how the few boxes rank (0.2.0: 0.572, 0.3.0: 0.453, while 0.3.0 scores 0.708 against 0.688 on all
    // 266 held-out mines); both models box 7 of the 12 at --conf 0.3. The floors catch a broken model, not noise.
    [Fact]
    public void ThePfm1Model_NamesItsVerifier_WhichRefinesBoxes_AndItsScreen_AndIsSmall()
    {
        using var detector = OnnxDetector.Load(Model("dronescan-rgb-pfm1.onnx"));
        var verifier = detector.Info.Verifier;

        Assert.NotNull(verifier);
        Assert.Equal(Path.GetFullPath(Model("dronescan-rgb-pfm1-verify.onnx")), Path.GetFullPath(verifier.Path));
        Assert.True(verifier.RefinesBoxes);
        Assert.Equal(64, verifier.ChipSize);
        Assert.Equal(0.01f, detector.Info.ProposalScore);
        Assert.Equal(0.35, detector.Info.DefaultConf);
        Assert.Equal(0.0028, detector.Info.GsdM);
        Assert.True(new FileInfo(verifier.Path).Length <= 15 * 1024 * 1024, "models must stay under 15 MB");

        // 0.5.0: every candidate's chip goes through a one-view screen first; only those scoring >= 0.005 there get
        // the verifier's eight views.
        Assert.NotNull(verifier.Screen);
        Assert.Equal(Path.GetFullPath(Model("dronescan-rgb-pfm1-screen.onnx")), Path.GetFullPath(verifier.Screen.Path));
        Assert.Equal(0.005, verifier.ScreenScore);
        Assert.True(new FileInfo(verifier.Screen.Path).Length <= 15 * 1024 * 1024, "models must stay under 15 MB");
    }

    [Fact]
    public void ThePfm1Model_BoxesAPfm1_AndNothingOnTheMineFreeTiles_AtItsDefaultThreshold()
    {
        // data-samples/pfm1-dev: two development tiles with one PFM-1 each, two without anything. At its default 0.35
        // the card measures both PFM-1s boxed at IoU 0.5 (and 1 false box on one of their tiles), nothing on the mine-free tiles.
        var run = CliRun.Of("eval", "--data", Samples("pfm1-dev"), "--model", Model("dronescan-rgb-pfm1.onnx"), "--agnostic",
            "--conf", "0.35", "--proposal-score", "model", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var root = JsonDocument.Parse(run.Output).RootElement;

        Assert.True(root.GetProperty("overall").GetProperty("atConf").GetProperty("tp").GetInt32() == 2, root.GetProperty("overall").ToString());
        Assert.Equal(0, root.GetProperty("objectFree").GetProperty("boxes").GetInt32());
    }

    [Fact]
    public void Detect_WithoutModel_KeepsTheDefaultRgbModel_ThoughASecondRgbModelShips()
    {
        // Automatic choice loads models/dronescan-rgb.onnx (and the thermal model) by name; dronescan-rgb-pfm1 is opt-in.
        Assert.True(File.Exists(Model("dronescan-rgb-pfm1.onnx")));

        var run = CliRun.Of("detect", "--json", Path.Combine(Samples("synthetic"), "images"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.All(run.JsonLines(), l => Assert.Equal("dronescan-rgb", l.GetProperty("model").GetString()));
    }

    private const double RgbSampleAp50Floor = 0.8;
    private const double ThermalSampleAp50Floor = 0.35;
    private const int ThermalSampleMinesFoundFloor = 6;
}
