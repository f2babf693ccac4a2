namespace DroneScan.Imaging.Tests;

/// <summary>
/// Real CC0 photos kept in the repository under <c>data-samples/</c> (from the OpenDroneMap test data sets
/// odm_data_caliterra, odm_data_garfield_msp and odm_data_seneca). Paths are resolved from the repository root, found by walking up from the test
/// binaries to the folder that holds DroneScan.sln.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>Canon PowerShot SX260 HS, 4000 × 3000, GPS above sea level, no XMP (odm_data_caliterra).</summary>
    public static string CaliterraImg9400 => Sample("caliterra", "IMG_9400.jpg");

    /// <summary>Parrot Sequoia RGB, 4608 × 3456, Pix4D camera XMP (odm_data_garfield_msp).</summary>
    public static string GarfieldSequoia0124 => Sample("garfield", "IMG_161122_164543_0124_RGB.JPG");

    /// <summary>Canon PowerShot ELPH 300 HS on a senseFly swinglet, 3600 × 2700, senseFly XMP (odm_data_seneca).</summary>
    public static string SenecaImg0504 => Sample("seneca", "IMG_0504.jpg");

    public static string RepositoryRoot => Root.Value;

    public static string DataSamples => Path.Combine(RepositoryRoot, "data-samples");

    private static string Sample(string folder, string file)
    {
        string path = Path.Combine(DataSamples, folder, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Test photo missing: {path}. The data-samples/ folder is part of the repository.", path);
        }

        return path;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No DroneScan.sln above {AppContext.BaseDirectory}.");
    }
}
