using System.Diagnostics;

namespace DroneScan.Export.Tests;

/// <summary>
/// GDAL's ogrinfo as an independent reader of what we write. Missing ogrinfo is a failure, not a skip:
/// these tests are the only proof that QGIS/ArcGIS-class readers accept the files.
/// </summary>
internal static class Ogr
{
    /// <summary>Runs <c>ogrinfo -ro</c> with the given arguments and returns its standard output.</summary>
    public static string Info(params string[] arguments)
    {
        var start = new ProcessStartInfo("ogrinfo")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-ro");
        foreach (var a in arguments)
            start.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("ogrinfo did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "ogrinfo (GDAL) was not found: install gdal-bin (apt-get install -y --no-install-recommends gdal-bin). "
                + ".ci/run installs it when missing.", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ogrinfo {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}\n{stdout}");
            return stdout;
        }
    }

    /// <summary>The "Feature Count: N" of a summary (<c>-al -so</c>).</summary>
    public static int FeatureCount(string summary)
    {
        const string key = "Feature Count: ";
        int i = summary.IndexOf(key, StringComparison.Ordinal);
        Assert.True(i >= 0, "no feature count in ogrinfo output:\n" + summary);
        int end = summary.IndexOf('\n', i);
        return int.Parse(summary.AsSpan(i + key.Length, end - i - key.Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Field names of a summary: lines "name: Type (w.p)" after the geometry column lines.</summary>
    public static IReadOnlyList<string> FieldNames(string summary) =>
        summary.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(": ", StringComparison.Ordinal) && (l.Contains(": String", StringComparison.Ordinal)
                || l.Contains(": Integer", StringComparison.Ordinal) || l.Contains(": Real", StringComparison.Ordinal)
                || l.Contains(": DateTime", StringComparison.Ordinal) || l.Contains(": Date ", StringComparison.Ordinal)))
            .Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)])
            .ToArray();
}
