namespace DroneScan.Cli.Tests;

/// <summary>Paths of the licensed sample photos in data-samples/ (see data-samples/README.md).</summary>
internal static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Caliterra => Path.Combine(RepoRoot, "data-samples", "caliterra", "IMG_9400.jpg");

    public static string Garfield => Path.Combine(RepoRoot, "data-samples", "garfield", "IMG_161122_164543_0124_RGB.JPG");

    public static string Seneca => Path.Combine(RepoRoot, "data-samples", "seneca", "IMG_0504.jpg");

    /// <summary>The 18-photo synthetic demo flight (with its truth.geojson).</summary>
    /// <summary>ZH20T-style photo with a laser range (tools/fixtures/make-lrf-photos.sh): 71.119 m above the laser target at 181.400 m.</summary>
    public static string LaserNadir => Path.Combine(RepoRoot, "tests", "DroneScan.Imaging.Tests", "Fixtures", "lrf", "DJI_0101_T.JPG");

    public static string DemoFlight => Path.Combine(RepoRoot, "data-samples", "demo-flight");

    public static string ShippedModel => Path.Combine(RepoRoot, "models", "dronescan-rgb.onnx");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DroneScan.sln not found above " + AppContext.BaseDirectory);
    }
}
