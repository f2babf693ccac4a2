using Microsoft.Data.Sqlite;

namespace DroneScan.Export;

/// <summary>
/// Writes an export file so that a failure (a full disk, a lost network share) never leaves a partial file that looks
/// like a valid export: the content goes to a temporary file in the same folder, which replaces the target only once
/// it is complete, and is deleted when writing fails. A device or other special file (<c>/dev/stdout</c>,
/// <c>/dev/full</c>) is written straight through instead: it is never replaced, renamed over or deleted.
/// </summary>
internal static class ExportFile
{
    /// <summary>Writes <paramref name="path"/> from a stream.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        if (IsSpecial(path))
        {
            using var device = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            write(device);
            return;
        }

        Replace(path, temp =>
        {
            using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(output);
        });
    }

    /// <summary>Writes <paramref name="path"/> with a writer that needs a file of its own (SQLite for a GeoPackage).</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static void WriteFile(string path, Action<string> write)
    {
        if (!IsSpecial(path))
        {
            Replace(path, write);
            return;
        }

        string temp = Path.Combine(Path.GetTempPath(), $"dronescan-export-{Guid.NewGuid():N}.tmp");
        try
        {
            Guarded(path, () => write(temp));
            Write(path, output =>
            {
                using var input = File.OpenRead(temp);
                input.CopyTo(output);
            });
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static void Replace(string path, Action<string> write)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
        try
        {
            Guarded(path, () => write(temp));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>SQLite (GeoPackage) reports a full disk as its own exception: make it the IOException every other
    /// writer throws.</summary>
    private static void Guarded(string path, Action write)
    {
        try
        {
            write();
        }
        catch (SqliteException e)
        {
            throw new IOException($"cannot write {path}: {e.Message}", e);
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // Best effort: the write already failed with the error that matters.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    /// <summary>
    /// True for an existing device or kernel file (under <c>/dev</c> or <c>/proc</c> on Unix, directly or through symbolic
    /// links, such as <c>/dev/stdout</c> → <c>/proc/self/fd/1</c>). .NET does not expose the file type, and these
    /// folders hold no regular export files; replacing or deleting such a path would break the system.
    /// </summary>
    internal static bool IsSpecial(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return false;
        }

        string full = Path.GetFullPath(path);
        try
        {
            if (File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target)
            {
                full = Path.GetFullPath(target.FullName);
            }
        }
        catch (IOException)
        {
            // A link loop or an unreadable link: judge by the path itself.
        }

        return full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal);
    }
}
