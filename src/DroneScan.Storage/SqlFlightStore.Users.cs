using System.Data.Common;
using DroneScan.Core.Flights;

namespace DroneScan.Storage;

/// <summary><see cref="IUserStore"/>: users (roles as comma-separated text) and token hashes.</summary>
public abstract partial class SqlFlightStore
{
    /// <inheritdoc/>
    public UserRecord CreateUser(string name, IReadOnlyList<string> roles, string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        return Write(nameof(CreateUser), (c, tx) =>
        {
            // ON CONFLICT: two processes creating one name at once get one row and one "exists" error, not a constraint error.
            int inserted = Execute(c, tx, """
                INSERT INTO users (name, roles, password_hash, created_at) VALUES (@name, @roles, @hash, @now)
                ON CONFLICT (name) DO NOTHING;
                """,
                ("name", name), ("roles", string.Join(',', roles)), ("hash", passwordHash), ("now", Time.GetUtcNow()));
            return inserted == 1
                ? ReadUsers(c, tx, "WHERE name = @name", ("name", name))[0]
                : throw new InvalidOperationException($"user '{name}' exists");
        });
    }

    /// <inheritdoc/>
    public UserRecord? FindUser(string name) => Read((c, tx) => ReadUsers(c, tx, "WHERE name = @name", ("name", name)).FirstOrDefault());

    /// <inheritdoc/>
    public IReadOnlyList<UserRecord> GetUsers() => Read((c, tx) => (IReadOnlyList<UserRecord>)ReadUsers(c, tx, "ORDER BY name"));

    /// <inheritdoc/>
    public long AddToken(string userName, string tokenSha256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenSha256);
        return Write(nameof(AddToken), (c, tx) => ScalarInt64(c, tx,
            "INSERT INTO api_tokens (user_name, token_sha256, created_at) VALUES (@user, @sha, @now) RETURNING id;",
            ("user", userName), ("sha", tokenSha256.ToLowerInvariant()), ("now", Time.GetUtcNow())));
    }

    /// <inheritdoc/>
    public UserRecord? FindUserByToken(string tokenSha256) => Read((c, tx) => ReadUsers(
        c, tx, "WHERE disabled_at IS NULL AND name = (SELECT user_name FROM api_tokens WHERE token_sha256 = @sha AND revoked_at IS NULL)", ("sha", tokenSha256.ToLowerInvariant())).FirstOrDefault());

    /// <inheritdoc/>
    public bool DisableUser(string userName) => Write(nameof(DisableUser), (c, tx) =>
    {
        var now = Time.GetUtcNow();
        if (Execute(c, tx, "UPDATE users SET disabled_at = COALESCE(disabled_at, @now) WHERE name = @user;", ("user", userName), ("now", now)) == 0)
        {
            return false;
        }

        Execute(c, tx, "UPDATE api_tokens SET revoked_at = @now WHERE user_name = @user AND revoked_at IS NULL;", ("user", userName), ("now", now));
        return true;
    });

    /// <inheritdoc/>
    public bool SetPasswordHash(string userName, string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        return Write(nameof(SetPasswordHash), (c, tx) =>
            Execute(c, tx, "UPDATE users SET password_hash = @hash WHERE name = @user;", ("user", userName), ("hash", passwordHash)) > 0);
    }

    /// <inheritdoc/>
    public int RevokeTokens(string userName) => Write(nameof(RevokeTokens), (c, tx) =>
        Execute(c, tx, "UPDATE api_tokens SET revoked_at = @now WHERE user_name = @user AND revoked_at IS NULL;", ("user", userName), ("now", Time.GetUtcNow())));

    private List<UserRecord> ReadUsers(DbConnection c, DbTransaction tx, string where, params (string Name, object? Value)[] parameters) =>
        Query(c, tx, $"SELECT name, roles, password_hash, created_at, disabled_at FROM users {where};", parameters).ConvertAll(r => new UserRecord(
            r.Text("name"), r.Text("roles").Split(',', StringSplitOptions.RemoveEmptyEntries), r.Text("password_hash"), r.Time("created_at"), r.TimeOrNull("disabled_at")));
}
