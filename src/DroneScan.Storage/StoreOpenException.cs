using DroneScan.Core.Flights;

namespace DroneScan.Storage;

/// <summary>
/// A database file that cannot be used at all: not a database, damaged, read-only, or a path where no file can be
/// made. Unlike <see cref="StoreUnavailableException"/>, running again does not help until the path is changed or
/// the file is replaced; the message names the file and the problem.
/// </summary>
public sealed class StoreOpenException : IOException
{
    public StoreOpenException()
    {
    }

    public StoreOpenException(string message)
        : base(message)
    {
    }

    public StoreOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
