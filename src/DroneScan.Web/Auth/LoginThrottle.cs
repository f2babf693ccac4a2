using System.ComponentModel.DataAnnotations;
using System.Net;

namespace DroneScan.Web.Auth;

/// <summary>Password guessing limits of <c>POST /login</c>: configuration section <c>Login</c>.</summary>
public sealed record LoginThrottleOptions
{
    public const string Section = "Login";

    /// <summary>Failed sign-ins for one user name within the window before further attempts are refused.</summary>
    [Range(1, 1000)]
    public int MaxFailuresPerUser { get; set; } = 5;

    /// <summary>Failed sign-ins from one client address within the window (any user names) before it is refused.</summary>
    [Range(1, 10000)]
    public int MaxFailuresPerClient { get; set; } = 20;

    /// <summary>How long a failure counts, minutes.</summary>
    [Range(0.1, 1440)]
    public double WindowMinutes { get; set; } = 15;
}

/// <summary>
/// Counts failed sign-ins per user name and per client address in a sliding window (in memory, per process). Once
/// either count reaches its limit the next attempt is refused before the password is looked at, until the oldest
/// failure in the window expires. A successful sign-in forgets the failures of that user name, also those counted
/// against the client address, so an attacker cannot reset an address's count by signing in to an account of
/// their own between guesses at someone else's.
/// </summary>
public sealed class LoginThrottle(LoginThrottleOptions options, TimeProvider time)
{
    // Bounds the memory an attacker can make us use with made-up names: above this, expired entries are purged.
    private const int PurgeAbove = 10_000;

    private readonly object gate = new();
    private readonly Dictionary<string, List<DateTimeOffset>> byUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string User, DateTimeOffset At)>> byClient = new(StringComparer.Ordinal);

    private TimeSpan Window => TimeSpan.FromMinutes(options.WindowMinutes);

    /// <summary>How long until an attempt for this user from this client is allowed; null when it is allowed now.</summary>
    public TimeSpan? RetryAfter(string userName, IPAddress? client)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            TimeSpan? wait = null;
            if (byUser.TryGetValue(UserKey(userName), out var failures) && Live(failures, now) is { Count: var n } live && n >= options.MaxFailuresPerUser)
            {
                wait = live[n - options.MaxFailuresPerUser] + Window - now;
            }

            if (byClient.TryGetValue(ClientKey(client), out var fromClient))
            {
                var times = fromClient.Where(f => f.At > now - Window).Select(f => f.At).Order().ToList();
                if (times.Count >= options.MaxFailuresPerClient)
                {
                    var clientWait = times[times.Count - options.MaxFailuresPerClient] + Window - now;
                    wait = wait is { } w && w > clientWait ? w : clientWait;
                }
            }

            return wait is { } t && t > TimeSpan.Zero ? t : null;
        }
    }

    /// <summary>Counts a wrong user name or password.</summary>
    public void Failed(string userName, IPAddress? client)
    {
        var now = time.GetUtcNow();
        string user = UserKey(userName);
        lock (gate)
        {
            if (byUser.Count + byClient.Count > PurgeAbove)
            {
                Purge(now);
            }

            (byUser.TryGetValue(user, out var failures) ? failures : byUser[user] = []).Add(now);
            string key = ClientKey(client);
            (byClient.TryGetValue(key, out var fromClient) ? fromClient : byClient[key] = []).Add((user, now));
        }
    }

    /// <summary>A successful sign-in: the user name's failures are forgotten, here and in every client's count.</summary>
    public void Succeeded(string userName)
    {
        string user = UserKey(userName);
        lock (gate)
        {
            byUser.Remove(user);
            foreach (var (key, fromClient) in byClient.ToList())
            {
                fromClient.RemoveAll(f => f.User == user);
                if (fromClient.Count == 0)
                {
                    byClient.Remove(key);
                }
            }
        }
    }

    private List<DateTimeOffset> Live(List<DateTimeOffset> failures, DateTimeOffset now)
    {
        failures.RemoveAll(t => t <= now - Window);
        return failures;
    }

    private void Purge(DateTimeOffset now)
    {
        foreach (var (key, failures) in byUser.ToList())
        {
            if (Live(failures, now).Count == 0)
            {
                byUser.Remove(key);
            }
        }

        foreach (var (key, fromClient) in byClient.ToList())
        {
            fromClient.RemoveAll(f => f.At <= now - Window);
            if (fromClient.Count == 0)
            {
                byClient.Remove(key);
            }
        }
    }

    // User names are matched as typed, but case and surrounding spaces must not give an attacker fresh counts.
    private static string UserKey(string userName) => userName.Trim().ToUpperInvariant();

    // An IPv6 client usually holds a whole /64: count the prefix, or every guess could come from a fresh address.
    private static string ClientKey(IPAddress? client)
    {
        if (client is null)
        {
            return "";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(client))
        {
            return client.ToString();
        }

        byte[] prefix = client.GetAddressBytes();
        Array.Clear(prefix, 8, 8);
        return new IPAddress(prefix) + "/64";
    }
}
