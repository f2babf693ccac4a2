using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace DroneScan.Cli.Tests;

/// <summary>
/// A real <c>dronescan</c> process (<c>dotnet dronescan.dll …</c>: the dotnet host runs the app in its own process,
/// so <see cref="Pid"/> is the process that gets the signals) whose output is kept; killed on dispose if still running.
/// </summary>
internal sealed class DroneScanProcess : IDisposable
{
    public const int SigInt = 2;

    private const int SigKill = 9;

    private readonly Process process;
    private readonly StringBuilder output = new();

    private DroneScanProcess(Process process)
    {
        this.process = process;
        Pid = process.Id;
    }

    public int Pid { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Standard output and error as printed so far, interleaved by line.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static DroneScanProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliDll());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var started = new DroneScanProcess(Process.Start(info)!);
        started.process.OutputDataReceived += (_, e) => started.Append(e.Data);
        started.process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        started.process.BeginOutputReadLine();
        started.process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Runs a command to its end; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(TimeSpan timeout, params string[] args)
    {
        using var run = Start(args);
        int code = run.WaitForExit(timeout);
        return (code, run.Output);
    }

    /// <summary>Sends <paramref name="signal"/> (kill(2)); fails with the reason when it cannot be delivered.</summary>
    public void Signal(int signal)
    {
        if (Kill(Pid, signal) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException(
                $"kill({Pid}, {signal}) failed with errno {errno}{(process.HasExited ? $": the process had already exited with {process.ExitCode}" : "")}\n{Output}");
        }
    }

    /// <summary>SIGKILL: no code of the process runs any more, as in a crash or power cut.</summary>
    public void KillHard() => Signal(SigKill);

    /// <summary>Whether the process was started with <paramref name="signal"/> ignored (inherited, as a background job
    /// of a script is given SIGINT), read from /proc; such a signal does nothing to it.</summary>
    public bool Ignores(int signal)
    {
        string status = File.ReadAllText($"/proc/{Pid}/status");
        string mask = status.Split('\n').Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();
        return (ulong.Parse(mask, NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0;
    }

    /// <summary>Waits for the process to end and for its output to be read; returns the exit code (128 + the signal
    /// number when a signal ended it).</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            throw new TimeoutException($"dronescan (pid {Pid}) still running after {timeout.TotalSeconds:0} s\n{Output}");
        }

        // The overload without a timeout also waits until the redirected output is read to its end.
        process.WaitForExit();
        return process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>The CLI's dll in the same configuration as this test assembly (built first: the project references it).</summary>
    private static string CliDll()
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        string path = Path.Combine(TestData.RepoRoot, "src", "DroneScan.Cli", "bin", configuration, "net10.0", "dronescan.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the CLI first (dotnet build src/DroneScan.Cli -c {configuration})", path);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
