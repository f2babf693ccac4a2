using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace DroneScan.Testing;

/// <summary>
/// A real <c>dronescan</c> process (<c>dotnet dronescan.dll …</c>, the CLI's built dll: <c>scan</c>, <c>serve</c>,
/// <c>worker</c> …) whose output is kept; killed with its tree on dispose if still running. The dotnet host runs the
/// app in its own process, so <see cref="Pid"/> is the process that gets the signals. <see cref="KillHard"/> is
/// SIGKILL: no shutdown code runs, as in a crash or power cut. Compiled into the CLI and web test projects.
/// </summary>
internal sealed class DroneScanProcess : IDisposable
{
    public const int SigInt = 2;

    private const int SigKill = 9;

    private readonly StringBuilder output = new();

    private DroneScanProcess(Process process, string name)
    {
        Process = process;
        Name = name;
        Pid = process.Id;
    }

    public Process Process { get; }

    /// <summary>The process id (still known after dispose).</summary>
    public int Pid { get; }

    /// <summary>What the test calls it in messages (<c>worker-2</c>, <c>serve-1</c> …).</summary>
    public string Name { get; }

    public bool HasExited => Process.HasExited;

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

    /// <summary>Starts <c>dronescan ARGS</c>.</summary>
    public static DroneScanProcess Start(params string[] args) => Start("dronescan", args);

    /// <summary>Starts <c>dronescan ARGS</c> named <paramref name="name"/> in messages, with extra environment variables.</summary>
    public static DroneScanProcess Start(string name, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliDll());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var started = new DroneScanProcess(process, name);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
                $"kill({Pid}, {signal}) failed with errno {errno}{(Process.HasExited ? $": the process had already exited with {Process.ExitCode}" : "")}\n{Output}");
        }
    }

    /// <summary>SIGKILL, then waits until the process is gone (nothing to do when it has already ended: its exit
    /// code tells how).</summary>
    public void KillHard()
    {
        if (Process.HasExited)
        {
            return;
        }

        Signal(SigKill);
        if (!Process.WaitForExit(30_000))
        {
            throw new TimeoutException($"{Name} (pid {Pid}) did not die within 30 s of SIGKILL");
        }
    }

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
        if (!Process.WaitForExit(timeout))
        {
            throw new TimeoutException($"{Name} (pid {Pid}) still running after {timeout.TotalSeconds:0} s\n{Output}");
        }

        // The overload without a timeout also waits until the redirected output is read to its end.
        Process.WaitForExit();
        return Process.ExitCode;
    }

    /// <summary>The last <paramref name="chars"/> characters of the output.</summary>
    public string OutputTail(int chars = 4000)
    {
        string text = Output;
        return text.Length > chars ? text[^chars..] : text;
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        Process.Dispose();
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

    /// <summary>The CLI's dll in the same configuration as this test assembly (the test projects build it first).</summary>
    private static string CliDll()
    {
        var assemblyDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = assemblyDir.Parent!.Name;
        for (var dir = assemblyDir; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DroneScan.sln")))
            {
                string path = Path.Combine(dir.FullName, "src", "DroneScan.Cli", "bin", configuration, "net10.0", "dronescan.dll");
                return File.Exists(path) ? path : throw new FileNotFoundException($"build the CLI first (dotnet build src/DroneScan.Cli -c {configuration})", path);
            }
        }

        throw new InvalidOperationException("DroneScan.sln not found above " + AppContext.BaseDirectory);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
