using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Sqlite;

public sealed partial class SqliteFlightStore
{
    /// <inheritdoc/>
    public UserRecord CreateUser(string name, IReadOnlyList<string> roles, string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        return Write(nameof(CreateUser), (c, tx) =>
        {
            if (ReadUser(c, tx, "WHERE name = $name", ("$name", name)) is not null)
            {
                throw new InvalidOperationException($"user '{name}' exists");
            }

            using (var cmd = Command(c, tx, "INSERT INTO users (name, roles, password_hash, created_at) VALUES ($name, $roles, $hash, $now);"))
            {
                cmd.Add("$name", name);
                cmd.Add("$roles", string.Join(',', roles));
                cmd.Add("$hash", passwordHash);
                cmd.Add("$now", time.GetUtcNow());
                cmd.ExecuteNonQuery();
            }

            return ReadUser(c, tx, "WHERE name = $name", ("$name", name))!;
        });
    }

    /// <inheritdoc/>
    public UserRecord? FindUser(string name) => Read((c, tx) => ReadUser(c, tx, "WHERE name = $name", ("$name", name)));

    /// <inheritdoc/>
    public IReadOnlyList<UserRecord> GetUsers() => Read((c, tx) => ReadUsers(c, tx, "ORDER BY name"));

    /// <inheritdoc/>
    public long AddToken(string userName, string tokenSha256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenSha256);
        return Write(nameof(AddToken), (c, tx) =>
        {
            using (var cmd = Command(c, tx, "INSERT INTO api_tokens (user_name, token_sha256, created_at) VALUES ($user, $sha, $now);"))
            {
                cmd.Add("$user", userName);
                cmd.Add("$sha", tokenSha256.ToLowerInvariant());
                cmd.Add("$now", time.GetUtcNow());
                cmd.ExecuteNonQuery();
            }

            return LastInsertId(c, tx);
        });
    }

    /// <inheritdoc/>
    public UserRecord? FindUserByToken(string tokenSha256) => Read((c, tx) => ReadUser(
        c, tx, "WHERE name = (SELECT user_name FROM api_tokens WHERE token_sha256 = $sha AND revoked_at IS NULL)", ("$sha", tokenSha256.ToLowerInvariant())));

    /// <inheritdoc/>
    public int RevokeTokens(string userName) => Write(nameof(RevokeTokens), (c, tx) =>
    {
        using var cmd = Command(c, tx, "UPDATE api_tokens SET revoked_at = $now WHERE user_name = $user AND revoked_at IS NULL;");
        cmd.Add("$user", userName);
        cmd.Add("$now", time.GetUtcNow());
        return cmd.ExecuteNonQuery();
    });

    private static UserRecord? ReadUser(SqliteConnection c, SqliteTransaction tx, string where, params (string Name, object Value)[] parameters) =>
        ReadUsers(c, tx, where, parameters).FirstOrDefault();

    private static List<UserRecord> ReadUsers(SqliteConnection c, SqliteTransaction tx, string where, params (string Name, object Value)[] parameters)
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
            users.Add(new UserRecord(r.GetString(0), r.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries), r.GetString(2), SqlValues.FromIso(r.GetString(3))));
        }

        return users;
    }
}
