namespace DroneScan.Imaging.Terrain;

/// <summary>A DEM file that cannot be used: the message names the file (by name) and the problem.</summary>
public sealed class DemFileException : Exception
{
    public DemFileException()
    {
    }

    public DemFileException(string message)
        : base(message)
    {
    }

    public DemFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
