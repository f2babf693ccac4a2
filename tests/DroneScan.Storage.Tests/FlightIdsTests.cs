using DroneScan.Core.Flights;

namespace DroneScan.Storage.Tests;

public sealed class FlightIdsTests
{
    [Fact]
    public void FlightIds_AreStable_ForTheSameFolderWrittenDifferently()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dronescan-ids", "flight");
        string id = FlightIds.ForFolder(folder);

        Assert.Equal(id, FlightIds.ForFolder(folder + Path.DirectorySeparatorChar));
        Assert.Equal(id, FlightIds.ForFolder(Path.Combine(folder, "sub", "..")));
        Assert.NotEqual(id, FlightIds.ForFolder(folder + "2"));
        Assert.NotEqual(id, FlightIds.ForName(folder));
        Assert.Matches("^fl-[0-9a-f]{12}$", id);
    }
}
