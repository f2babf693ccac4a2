using Npgsql;

namespace DroneScan.Storage.Postgres;

/// <summary><see cref="IUserStore"/>: users (roles as comma-separated text, like SQLite) and token hashes.</summary>
public sealed partial class PostgresFlightStore
{
    /// <inheritdoc/>
    public UserRecord CreateUser(string name, IReadOnlyList<string> roles, string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        return Write(nameof(CreateUser), (c, tx) =>
        {
            // ON CONFLICT: two processes creating one name at once get one row and one "exists" error, not a 23505.
            int inserted = Execute(c, tx, """
                INSERT INTO users (name, roles, password_hash, created_at) VALUES (@name, @roles, @hash, @now)
                ON CONFLICT (name) DO NOTHING;
                """,
                ("name", name), ("roles", string.Join(',', roles)), ("hash", passwordHash), ("now", time.GetUtcNow()));
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
        return Write(nameof(AddToken), (c, tx) =>
        {
            using var cmd = Command(c, tx, "INSERT INTO api_tokens (user_name, token_sha256, created_at) VALUES (@user, @sha, @now) RETURNING id;");
            cmd.Add("user", userName);
            cmd.Add("sha", tokenSha256.ToLowerInvariant());
            cmd.Add("now", time.GetUtcNow());
            return (long)cmd.ExecuteScalar()!;
        });
    }

    /// <inheritdoc/>
    public UserRecord? FindUserByToken(string tokenSha256) => Read((c, tx) => ReadUsers(
        c, tx, "WHERE name = (SELECT user_name FROM api_tokens WHERE token_sha256 = @sha AND revoked_at IS NULL)", ("sha", tokenSha256.ToLowerInvariant())).FirstOrDefault());

    /// <inheritdoc/>
    public int RevokeTokens(string userName) => Write(nameof(RevokeTokens), (c, tx) =>
        Execute(c, tx, "UPDATE api_tokens SET revoked_at = @now WHERE user_name = @user AND revoked_at IS NULL;", ("user", userName), ("now", time.GetUtcNow())));

    private static List<UserRecord> ReadUsers(NpgsqlConnection c, NpgsqlTransaction tx, string where, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(c, tx, $"SELECT name, roles, password_hash, created_at FROM users {where};");
        foreach (var (name, value) in parameters)
        {
            cmd.Add(name, value);
        }

        using var r = cmd.ExecuteReader();
        var users = new List<UserRecord>();
        while (r.Read())
        {
            users.Add(new UserRecord(r.GetString(0), r.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries), r.GetString(2), r.GetTime(3)));
        }

        return users;
    }
}
