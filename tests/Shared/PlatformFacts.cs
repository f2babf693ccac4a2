namespace DroneScan.Testing;

/// <summary>A fact that writes to Linux's <c>/dev/full</c> (a device that is always full); reported as skipped, with
/// the reason, where there is none. Compiled into the CLI and export test projects.</summary>
internal sealed class DevFullFactAttribute : FactAttribute
{
    public DevFullFactAttribute()
    {
        Skip = DevFull.SkipReason;
    }
}

/// <summary>A theory that writes to Linux's <c>/dev/full</c>; reported as skipped where there is none.</summary>
internal sealed class DevFullTheoryAttribute : TheoryAttribute
{
    public DevFullTheoryAttribute()
    {
        Skip = DevFull.SkipReason;
    }
}

/// <summary>A theory about Unix paths; reported as skipped on Windows.</summary>
internal sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        Skip = OperatingSystem.IsWindows() ? "Unix paths: not on Windows" : null;
    }
}

internal static class DevFull
{
    public const string Path = "/dev/full";

    /// <summary>Null where the device exists (the test runs), else why the test is skipped.</summary>
    public static string? SkipReason => File.Exists(Path) ? null : $"needs {Path} (Linux only)";
}
