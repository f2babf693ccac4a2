using System.Security.Cryptography;
using DroneScan.Synth;

namespace DroneScan.Synth.Tests;

public sealed class SynthTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dronescan-synth-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DroneScan.sln not found");
    }

    private static List<BackgroundPhoto> SampleBackgrounds()
    {
        string root = RepoRoot();
        var (photos, problems) = Backgrounds.Resolve([Path.Combine(root, "data-samples", "caliterra") + "=55", Path.Combine(root, "data-samples", "garfield") + "=109", Path.Combine(root, "data-samples", "seneca")]);
        Assert.Empty(problems);
        return photos;
    }

    [Fact]
    public void Backgrounds_GetTheirGsdFromTheCameraModel()
    {
        var photos = SampleBackgrounds();

        // Canon SX260 HS: 6.17 mm sensor, 4.5 mm, 4000 px: 55 m → 55 · 6.17 / (4.5 · 4000) = 1.885 cm/px.
        Assert.Equal(55 * 6.17 / (4.5 * 4000), photos.Single(p => p.Path.Contains("caliterra", StringComparison.Ordinal)).GsdM, 6);
        // senseFly sample: its own XMP height 72.17 m → 2.876 cm/px.
        Assert.Equal(72.169525149999998 * 6.17 / (4.3 * 3600), photos.Single(p => p.Path.Contains("seneca", StringComparison.Ordinal)).GsdM, 6);
    }

    [Fact]
    public void Backgrounds_WithoutHeight_AreReportedAndSkipped()
    {
        var (photos, problems) = Backgrounds.Resolve([Path.Combine(RepoRoot(), "data-samples", "caliterra")]);

        Assert.Empty(photos);
        Assert.Contains("IMG_9400.jpg", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Splits_NeverShareABackgroundPhoto_AndCoverThemAll()
    {
        var photos = Enumerable.Range(0, 38).Select(i => new BackgroundPhoto($"/bg/IMG_{i:0000}.jpg", 0.02)).ToList();

        var train = Backgrounds.ForSplit(photos, DatasetSplit.Train);
        var val = Backgrounds.ForSplit(photos, DatasetSplit.Val);
        var test = Backgrounds.ForSplit(photos, DatasetSplit.Test);

        Assert.Equal((6, 6, 26), (val.Count, test.Count, train.Count)); // 15 % of 38 = 5.7 → 6
        Assert.Empty(train.Intersect(val));
        Assert.Empty(train.Intersect(test));
        Assert.Empty(val.Intersect(test));
        Assert.Equal(photos.Count, train.Concat(val).Concat(test).Distinct().Count());
        Assert.Throws<ArgumentException>(() => Backgrounds.ForSplit(photos.Take(2).ToList(), DatasetSplit.Train));
    }

    [Fact]
    public void TheSameSeed_GivesTheSameBytes_AndAnotherSeedDoesNot()
    {
        var photos = SampleBackgrounds();
        var options = new SynthOptions { Count = 3, Seed = 7, Size = 256 };

        SyntheticDataset.Write(photos, options, Path.Combine(_folder, "a"));
        SyntheticDataset.Write(photos, options, Path.Combine(_folder, "b"));
        SyntheticDataset.Write(photos, options with { Seed = 8 }, Path.Combine(_folder, "c"));

        string Hash(string set) => string.Join(",", Directory.EnumerateFiles(Path.Combine(_folder, set), "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Select(f => Path.GetRelativePath(Path.Combine(_folder, set), f) + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));
        Assert.Equal(Hash("a"), Hash("b"));
        Assert.NotEqual(Hash("a"), Hash("c"));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_folder, "a", "images")).Length);
        Assert.Contains("names: [ap_mine, at_mine, uxo]", File.ReadAllText(Path.Combine(_folder, "a", "data.yaml")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.004)]
    public void EveryTarget_IsDrawnAtItsPhysicalSize(double gsdM)
    {
        // Unrotated and unburied, a label box is the silhouette: length / GSD by width / GSD within 1 px
        // (a PFM-1 of 12 cm at 1 cm/px is 12 px long); 3 × 3 supersampling puts each edge within 1/3 px.
        foreach (var kind in Catalogue.Targets)
        {
            var canvas = new Canvas(512, 512);
            Array.Fill(canvas.Data, 0.5f);
            var shape = kind.Build(new Random(1));
            var drawn = SceneRenderer.DrawObject(canvas, kind, shape, 256, 256, 0, gsdM, new Sun(0.3, 0.8), new Random(2), 0);

            Assert.NotNull(drawn);
            var (length, width) = shape.Extent;
            Assert.True(Math.Abs((drawn.X2 - drawn.X1) - (length / gsdM)) <= 1.0, $"{kind.Name}: {drawn.X2 - drawn.X1} px long, expected {length / gsdM:0.0}");
            Assert.True(Math.Abs((drawn.Y2 - drawn.Y1) - (width / gsdM)) <= 1.0, $"{kind.Name}: {drawn.Y2 - drawn.Y1} px wide, expected {width / gsdM:0.0}");
            Assert.Equal(length * 100, drawn.LengthCm, 6);
        }
    }

    [Fact]
    public void Labels_MatchTheDrawnObjects()
    {
        // Everything inside a label box that differs from the plain ground is the object; outside the boxes of
        // targets, a scene with only targets leaves the ground untouched except for their shadows.
        var canvas = new Canvas(300, 300);
        Array.Fill(canvas.Data, 0.5f);
        var kind = Catalogue.Targets.Single(k => k.Name == "TM-62M");
        var drawn = SceneRenderer.DrawObject(canvas, kind, kind.Build(new Random(3)), 150, 150, 0.4, 0.004, new Sun(0, Math.PI / 2 - 0.01), new Random(4), 0);

        Assert.NotNull(drawn);
        Assert.Equal("at_mine", drawn.ClassName);
        int changedOutside = 0, changedInside = 0;
        for (int y = 0; y < 300; y++)
        {
            for (int x = 0; x < 300; x++)
            {
                bool changed = Math.Abs(canvas.Get(x, y).R - 0.5) > 0.02;
                bool inBox = x >= drawn.X1 - 1 && x < drawn.X2 + 1 && y >= drawn.Y1 - 1 && y < drawn.Y2 + 1;
                (changedInside, changedOutside) = (changedInside + (changed && inBox ? 1 : 0), changedOutside + (changed && !inBox ? 1 : 0));
            }
        }

        Assert.Equal(0, changedOutside); // sun near the zenith: no shadow outside the object
        Assert.True(changedInside > 0.6 * (drawn.X2 - drawn.X1) * (drawn.Y2 - drawn.Y1));
    }

    [Fact]
    public void ALabelFile_HasOneNormalisedLinePerObject()
    {
        var photos = SampleBackgrounds();
        SyntheticDataset.Write(photos, new SynthOptions { Count = 4, Seed = 11, Size = 256 }, _folder);

        var csv = File.ReadAllLines(Path.Combine(_folder, "items.csv")).Skip(1).ToList();
        int labelLines = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(_folder, "labels")))
        {
            foreach (var line in File.ReadAllLines(file))
            {
                labelLines++;
                var v = line.Split(' ').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                Assert.Equal(5, v.Length);
                Assert.InRange(v[0], 0, 2);
                Assert.All(v.Skip(1), x => Assert.InRange(x, 0, 1));
            }
        }

        Assert.Equal(csv.Count, labelLines);
    }
}
