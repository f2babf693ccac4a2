using System.Security.Cryptography;
using System.Text;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using Microsoft.AspNetCore.Identity;

namespace DroneScan.Web.Auth;

/// <summary>A new user's secrets, shown once: the store keeps only their hashes.</summary>
public sealed record NewUserSecrets(UserRecord User, string Password, string Token);

/// <summary>Creates users and API tokens, and checks passwords and tokens (hashes only are stored).</summary>
public sealed class UserAdmin(IUserStore users)
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Verified against when the user does not exist, so a wrong name takes as long as a wrong password and the time
    // of an answer does not tell which user names exist.
    private static readonly string DummyHash = Hasher.HashPassword("", Secret(18));

    /// <summary>Creates a user with a generated password and one API token.</summary>
    /// <exception cref="ArgumentException">Bad name or unknown role.</exception>
    /// <exception cref="InvalidOperationException">The user exists.</exception>
    public NewUserSecrets Create(string name, IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ','))
        {
            throw new ArgumentException($"user name '{name}': 1-64 characters, no spaces or commas", nameof(name));
        }

        var normalised = roles.Select(r => r.Trim().ToLowerInvariant()).Distinct().ToList();
        if (normalised.Count == 0 || normalised.Any(r => !Roles.All.Contains(r)))
        {
            throw new ArgumentException($"roles '{string.Join(',', roles)}': each must be one of {string.Join(", ", Roles.All)}", nameof(roles));
        }

        string password = Secret(18);
        var user = users.CreateUser(name, normalised, Hasher.HashPassword(name, password));
        return new NewUserSecrets(user, password, IssueToken(name));
    }

    /// <summary>A new generated password for the user (its hash is stored; the password is shown once).</summary>
    /// <exception cref="KeyNotFoundException">No such user.</exception>
    /// <exception cref="InvalidOperationException">The user is disabled.</exception>
    public string ResetPassword(string name)
    {
        var user = users.FindUser(name) ?? throw new KeyNotFoundException($"no user '{name}'");
        if (user.Disabled)
        {
            throw new InvalidOperationException($"user '{name}' is disabled: a new password would not let it sign in");
        }

        string password = Secret(18);
        return users.SetPasswordHash(name, Hasher.HashPassword(name, password)) ? password : throw new KeyNotFoundException($"no user '{name}'");
    }

    /// <summary>A new API token for the user (its SHA-256 is stored).</summary>
    public string IssueToken(string name)
    {
        string token = "ds_" + Secret(32);
        users.AddToken(name, HashToken(token));
        return token;
    }

    /// <summary>The user, when the password is right and the user is not disabled.</summary>
    public UserRecord? CheckPassword(string name, string password)
    {
        if (users.FindUser(name) is not { } user)
        {
            Hasher.VerifyHashedPassword("", DummyHash, password);
            return null;
        }

        // Verified even for a disabled user: the answer takes as long, and says nothing about the password.
        bool right = Hasher.VerifyHashedPassword(name, user.PasswordHash, password) != PasswordVerificationResult.Failed;
        return right && !user.Disabled ? user : null;
    }

    /// <summary>The user behind a session, while it may still act: it exists and is not disabled.</summary>
    public UserRecord? Active(string name) => users.FindUser(name) is { Disabled: false } user ? user : null;

    /// <summary>The user holding a live token, or null.</summary>
    public UserRecord? CheckToken(string token) => users.FindUserByToken(HashToken(token));

    /// <summary>Lower-case hex SHA-256 of a token, as stored.</summary>
    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Secret(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
