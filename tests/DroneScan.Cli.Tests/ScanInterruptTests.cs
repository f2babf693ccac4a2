using System.Diagnostics;

namespace DroneScan.Cli.Tests;

/// <summary>
/// <c>dronescan scan</c> as a real process on a copy of the demo flight, stopped once with Ctrl+C (SIGINT) and once
/// with SIGKILL when some photos are stored (read from its database, not guessed with sleeps), then run again: it
/// resumes the stored photos, does only the rest, and writes the same hazard file as the uninterrupted scan of
/// <see cref="ReferenceScan"/>, with every photo and observation once.
/// </summary>
/// <remarks>
/// Not run in parallel with other tests (<see cref="ScanProcessGroup"/>): on a loaded machine the scan and the
/// polling of its database compete with them for the cores, and the kill point must come while photos remain.
/// The polling runs on the test's own thread, so it never waits for a turn on the test framework's threads.
/// </remarks>
[Collection(ScanProcessGroup.Name)]
public sealed class ScanInterruptTests(ReferenceScan reference) : IClassFixture<ReferenceScan>
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void CtrlC_StopsTheScanAfterThePhotoInProgress_WithExitCode130AndTheResumeHint_AndTheRerunFinishesIt()
    {
        var run = reference.NewRun("ctrl-c");
        int stored;
        using (var scan = DroneScanProcess.Start(run.Args))
        {
            Assert.False(scan.Ignores(DroneScanProcess.SigInt),
                "the scan process was started with SIGINT ignored, inherited from this test run (a background job of a script "
                + "without job control gets that): Ctrl+C cannot be tested; run the tests in the foreground or with 'set -m'");
            WaitUntilStored(scan, run.Database, 4);
            scan.Signal(DroneScanProcess.SigInt);
            int code = scan.WaitForExit(StepTimeout);
            stored = ScanStore.StoredPhotos(run.Database);

            // A process ended by the signal itself also reports 130: the message shows the scan stopped by itself.
            Assert.True(code == 130, $"exit {code}, expected 130\n{scan.Output}");
            Assert.Contains($"interrupted: the photos finished so far are saved in {run.Database}; run the same command again to resume", scan.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Hazard points", scan.Output, StringComparison.Ordinal);
            Assert.True(stored is >= 4 and < ReferenceScan.PhotoCount, $"{stored} photos stored after Ctrl+C\n{scan.Output}");
        }

        AssertTheRerunResumes(run, stored);
    }

    [Fact]
    public void SigKill_MidFlight_TheRerunResumesWithoutRedoingStoredPhotos_AndGivesTheSameHazards()
    {
        var run = reference.NewRun("sigkill");
        int stored;
        using (var scan = DroneScanProcess.Start(run.Args))
        {
            WaitUntilStored(scan, run.Database, 9);
            scan.KillHard();
            int code = scan.WaitForExit(StepTimeout);
            stored = ScanStore.StoredPhotos(run.Database);

            Assert.True(code == 137, $"exit {code}, expected 137 (128 + SIGKILL)\n{scan.Output}");
            Assert.True(stored is >= 9 and < ReferenceScan.PhotoCount, $"{stored} photos stored after SIGKILL\n{scan.Output}");
        }

        AssertTheRerunResumes(run, stored);
    }

    /// <summary>Polls the scan's database until <paramref name="count"/> photos are stored; fails if the scan ends or
    /// stores every photo first, as then there is nothing left to interrupt.</summary>
    private static void WaitUntilStored(DroneScanProcess scan, string database, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            int stored = ScanStore.StoredPhotos(database);
            Assert.False(scan.HasExited, $"the scan ended ({stored} photos stored) before the test could stop it at {count}\n{scan.Output}");
            Assert.True(stored < ReferenceScan.PhotoCount, $"all {stored} photos were stored before the test could stop the scan at {count}: the polling fell behind\n{scan.Output}");
            if (stored >= count)
            {
                return;
            }

            Assert.True(clock.Elapsed < StepTimeout, $"only {stored} of {count} photos stored after {StepTimeout.TotalSeconds:0} s\n{scan.Output}");
            Thread.Sleep(20);
        }
    }

    private void AssertTheRerunResumes(ReferenceScan.Run run, int stored)
    {
        var (code, output) = DroneScanProcess.Run(StepTimeout, run.Args);

        Assert.True(code == 0, $"the rerun exited with {code}\n{output}");
        int rest = ReferenceScan.PhotoCount - stored;
        Assert.Contains($"{ReferenceScan.PhotoCount} used ({rest} processed, {stored} resumed), 0 skipped, 0 failed", output, StringComparison.Ordinal);
        var store = ScanStore.Read(run.Database);
        Assert.Equal(ReferenceScan.PhotoCount, store.Photos);
        Assert.Equal(rest, store.PhotosSavedByTheLatestRun);
        Assert.Equal(reference.Store.DetectionsPerPhoto, store.DetectionsPerPhoto);
        Assert.Equal(0, store.ObservationsInSeveralHazards);
        Assert.Equal(reference.Store.HazardIds, store.HazardIds);

        // The flight id comes from the folder, which both scans share: the files are the same byte for byte.
        Assert.Equal(reference.HazardFile, File.ReadAllText(run.HazardFile));
    }
}

/// <summary>Tests that start scan processes: run alone, see <see cref="ScanInterruptTests"/>.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScanProcessGroup
{
    public const string Name = "scan processes";
}
