namespace DroneScan.Pipeline.Evaluate;

/// <summary>An evaluation dataset that cannot be used; the message names the file (and line) and what is wrong.</summary>
public sealed class DatasetException : Exception
{
    public DatasetException()
    {
    }

    public DatasetException(string message)
        : base(message)
    {
    }

    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A problem at a line of a file (line 1 is the first).</summary>
    public static DatasetException At(string file, int line, string problem) => new($"{file}:{line}: {problem}");
}
