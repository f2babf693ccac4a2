namespace DroneScan.Robustness.Tests;

/// <summary>Paths of the repository files the tests use (see data-samples/README.md).</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string DemoPhoto => Path.Combine(RepoRoot, "data-samples", "demo-flight", "IMG_0001.jpg");

    public static string SenecaPhoto => Path.Combine(RepoRoot, "data-samples", "seneca", "IMG_0504.jpg");

    public static string CorpusTable => Path.Combine(RepoRoot, "docs", "bad-input-corpus.md");

    public static string WhiteBoxModel => Path.Combine(AppContext.BaseDirectory, "Models", "white-box-256.onnx");

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
