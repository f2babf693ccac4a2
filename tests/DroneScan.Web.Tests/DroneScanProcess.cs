using System.Diagnostics;
using System.Text;

namespace DroneScan.Web.Tests;

/// <summary>
/// A real <c>dronescan</c> process (the CLI's built dll: <c>serve</c>, <c>worker</c> …) whose output is kept; killed with
/// its tree on dispose if still running. <see cref="KillHard"/> is SIGKILL: no shutdown code runs, as in a crash.
/// </summary>
internal sealed class DroneScanProcess : IDisposable
{
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

    /// <summary>SIGKILL (on Linux <see cref="Process.Kill()"/> sends it), then waits until the process is gone.</summary>
    public void KillHard()
    {
        Process.Kill();
        if (!Process.WaitForExit(30_000))
        {
            throw new TimeoutException($"{Name} (pid {Pid}) did not die within 30 s of SIGKILL");
        }
    }

    public string OutputTail(int chars = 4000)
    {
        lock (output)
        {
            string text = output.ToString();
            return text.Length > chars ? text[^chars..] : text;
        }
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

    /// <summary>The CLI's dll in the same configuration as this test assembly (built first: see the csproj).</summary>
    private static string CliDll()
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        string path = Path.Combine(TestPaths.RepoRoot, "src", "DroneScan.Cli", "bin", configuration, "net10.0", "dronescan.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the CLI first (dotnet build src/DroneScan.Cli -c {configuration})", path);
    }
}
