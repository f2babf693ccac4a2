namespace DroneScan.Core.Flights;

/// <summary>Why a store refused an operation that may succeed later, once someone acts on the database.</summary>
public enum StoreProblem
{
    /// <summary>The database or the disk under it is full: nothing more can be written until space is freed.</summary>
    Full,

    /// <summary>Another process held the lock the operation needed for longer than the store waits.</summary>
    Locked,
}

/// <summary>
/// A store operation failed for a reason outside DroneScan (a full disk, another process holding the lock), not
/// because of the data: the operation was rolled back whole, and running it again once the cause is gone
/// succeeds. The message names the database and what to do; callers stop cleanly (the CLI) or fail the job so it
/// is retried later (the service).
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="database">The database, as the user knows it (file path, or host/database).</param>
    /// <param name="problem">What went wrong.</param>
    /// <param name="message">The whole message, naming <paramref name="database"/>.</param>
    /// <param name="innerException">The driver's exception.</param>
    public StoreUnavailableException(string database, StoreProblem problem, string message, Exception innerException)
        : base(message, innerException)
    {
        Database = database;
        Problem = problem;
    }

    /// <summary>The database, as the user knows it (file path, or host/database).</summary>
    public string Database { get; } = "";

    /// <summary>What went wrong.</summary>
    public StoreProblem Problem { get; }
}
