namespace DroneScan.Web.Auth;

/// <summary>The roles of the service. An admin may do everything.</summary>
public static class Roles
{
    /// <summary>Uploads flights and follows their processing.</summary>
    public const string Operator = "operator";

    /// <summary>Reviews hazard points.</summary>
    public const string Analyst = "analyst";

    /// <summary>Exports reviewed results.</summary>
    public const string Planner = "planner";

    /// <summary>Users, the job dashboard, deletions; and everything the others do.</summary>
    public const string Admin = "admin";

    /// <summary>Every role.</summary>
    public static IReadOnlyList<string> All { get; } = [Operator, Analyst, Planner, Admin];
}

/// <summary>Authorization policy names: one per capability, each satisfied by its role or admin.</summary>
public static class Policies
{
    public const string Upload = "upload";
    public const string Review = "review";
    public const string Export = "export";
    public const string Admin = "admin";
}
