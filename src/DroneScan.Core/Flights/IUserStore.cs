namespace DroneScan.Core.Flights;

/// <summary>
/// Users of the web service, with their roles, password hash and API tokens. The store never sees a password or a
/// token: it keeps the password hash it is given and the SHA-256 of each token.
/// </summary>
public interface IUserStore
{
    /// <summary>Creates a user.</summary>
    /// <exception cref="InvalidOperationException">A user of that name exists.</exception>
    UserRecord CreateUser(string name, IReadOnlyList<string> roles, string passwordHash);

    /// <summary>The user, or null.</summary>
    UserRecord? FindUser(string name);

    /// <summary>All users, by name.</summary>
    IReadOnlyList<UserRecord> GetUsers();

    /// <summary>Stores a token's SHA-256 (lower-case hex) for the user; returns its id.</summary>
    long AddToken(string userName, string tokenSha256);

    /// <summary>The user holding a token that is not revoked, or null.</summary>
    UserRecord? FindUserByToken(string tokenSha256);

    /// <summary>Revokes all the user's tokens; returns how many were live.</summary>
    int RevokeTokens(string userName);

    /// <summary>Disables the user (kept, for the audit trail: reviews and uploads name it) and revokes its tokens; a
    /// disabled user is never found by token. Disabling twice keeps the first time.</summary>
    /// <returns>False when there is no such user.</returns>
    bool DisableUser(string userName);

    /// <summary>Replaces the user's password hash (an admin's reset); tokens are left as they are.</summary>
    /// <returns>False when there is no such user.</returns>
    bool SetPasswordHash(string userName, string passwordHash);
}

/// <summary>A user. <paramref name="PasswordHash"/> is an ASP.NET Core Identity password hash; <paramref name="DisabledAt"/>
/// is set once an admin disabled the user (no sign-in, no token, no session).</summary>
public sealed record UserRecord(string Name, IReadOnlyList<string> Roles, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt = null)
{
    public bool Disabled => DisabledAt is not null;
}
