using System.Runtime.InteropServices;

namespace DroneScan.Cli;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM into a cancellation request, so a command stops at its next safe point
/// and says what was kept (<c>scan</c>: the photos finished so far; run it again to resume). A second signal is left
/// to its default action, which ends the process at once.
/// </summary>
/// <remarks>
/// System.CommandLine 2.0.0 handles these signals only when <c>InvocationConfiguration.ProcessTerminationTimeout</c>
/// is set (its documented 2 s default was dropped), and then ends the process when the timeout runs out even while the
/// command is still saving a photo. Handled here instead, with no deadline: a photo being detected is finished and
/// saved, then the command returns. A signal the process was started with ignored (<c>nohup</c>, a background job of a
/// script) stays ignored: the runtime does not install a handler for it.
/// </remarks>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly PosixSignalRegistration[] registrations;
    private int received;

    private StopSignals()
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => stop.Token;

    /// <summary>Starts handling SIGINT and SIGTERM for this process until disposed.</summary>
    public static StopSignals Register() => new();

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref received) == 1)
        {
            // Keep the process alive: the command sees the token and stops by itself.
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
