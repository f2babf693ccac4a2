using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Tests;

/// <summary>The throttle's arithmetic, on a clock the test moves (default limits: 5 per user, 20 per client, 15 min).</summary>
public sealed class LoginThrottleTests
{
    private static readonly IPAddress ClientA = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress ClientB = IPAddress.Parse("198.51.100.7");
    private readonly TestClock clock = new(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void FiveFailuresForOneUser_BlockThatUser_FromAnyClient_UntilTheFirstExpires()
    {
        var throttle = new LoginThrottle(new LoginThrottleOptions(), clock);
        for (int i = 0; i < 4; i++)
        {
            throttle.Failed("alice", i % 2 == 0 ? ClientA : ClientB);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Null(throttle.RetryAfter("alice", ClientA));
        throttle.Failed("Alice ", ClientB); // case and spaces give no fresh count

        Assert.Equal(TimeSpan.FromMinutes(11), throttle.RetryAfter("alice", IPAddress.Parse("203.0.113.1")));
        Assert.Null(throttle.RetryAfter("bob", ClientA));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Null(throttle.RetryAfter("alice", ClientA));
    }

    [Fact]
    public void TwentyFailuresFromOneClient_BlockThatClient_ForEveryUserName()
    {
        var throttle = new LoginThrottle(new LoginThrottleOptions(), clock);
        for (int i = 0; i < 20; i++)
        {
            throttle.Failed($"guess{i}", ClientA);
        }

        Assert.Equal(TimeSpan.FromMinutes(15), throttle.RetryAfter("somebody-else", ClientA));
        Assert.Null(throttle.RetryAfter("somebody-else", ClientB));
    }

    [Fact]
    public void IPv6Clients_CountByTheirSlash64()
    {
        var throttle = new LoginThrottle(new LoginThrottleOptions { MaxFailuresPerClient = 2 }, clock);
        throttle.Failed("a", IPAddress.Parse("2001:db8:1:2::1"));
        throttle.Failed("b", IPAddress.Parse("2001:db8:1:2:ffff::9"));

        Assert.NotNull(throttle.RetryAfter("c", IPAddress.Parse("2001:db8:1:2::77")));
        Assert.Null(throttle.RetryAfter("c", IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void ASuccessfulSignIn_ForgetsThatUsersFailures_ButNotOthersFromTheSameClient()
    {
        var throttle = new LoginThrottle(new LoginThrottleOptions { MaxFailuresPerClient = 6 }, clock);
        for (int i = 0; i < 4; i++)
        {
            throttle.Failed("alice", ClientA);
        }

        throttle.Failed("victim", ClientA);
        throttle.Failed("victim", ClientA);
        throttle.Succeeded("alice");

        // alice starts again from zero; the client still carries its two guesses at "victim".
        for (int i = 0; i < 3; i++)
        {
            throttle.Failed("alice", ClientB);
        }

        Assert.Null(throttle.RetryAfter("alice", ClientB));
        for (int i = 0; i < 4; i++)
        {
            throttle.Failed("mallory", ClientA);
        }

        Assert.NotNull(throttle.RetryAfter("anyone", ClientA));
    }

    private sealed class TestClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}

/// <summary>The throttle on the real <c>POST /login</c> (per user name; the per-client count is left to the unit
/// tests above, since every test here shares 127.0.0.1).</summary>
[Collection(ServiceGroup.Name)]
public sealed partial class LoginThrottleEndpointTests(ServiceFixture service)
{
    [Fact]
    public async Task AfterFiveWrongPasswords_Login_Is429WithRetryAfter_EvenWithTheRightPassword()
    {
        var user = service.Get<UserAdmin>().Create("throttled-user", [Roles.Analyst]);
        using var client = CookieClient();
        string token = await LoginTokenAsync(client);

        for (int i = 0; i < 5; i++)
        {
            using var wrong = await LoginAsync(client, token, "throttled-user", "guess" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var refused = await LoginAsync(client, token, "throttled-user", user.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        int seconds = int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 14 * 60, 15 * 60);
        Assert.Contains("Too many failed sign-ins", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(refused.Headers.Contains("Set-Cookie") && refused.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("dronescan=", StringComparison.Ordinal)));
        // Bearer tokens are not sign-ins: the user's scripts keep working.
        using var api = new HttpClient { BaseAddress = service.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", user.Token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ASuccessfulLogin_ResetsTheCount()
    {
        var user = service.Get<UserAdmin>().Create("forgetful-user", [Roles.Analyst]);
        using var client = CookieClient();
        string token = await LoginTokenAsync(client);

        for (int i = 0; i < 4; i++)
        {
            (await LoginAsync(client, token, "forgetful-user", "guess" + i)).Dispose();
        }

        using var ok = await LoginAsync(client, token, "forgetful-user", user.Password);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        using var fresh = CookieClient();
        token = await LoginTokenAsync(fresh);
        for (int i = 0; i < 4; i++)
        {
            using var wrong = await LoginAsync(fresh, token, "forgetful-user", "again" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var again = await LoginAsync(fresh, token, "forgetful-user", user.Password);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    private HttpClient CookieClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };

    private static async Task<string> LoginTokenAsync(HttpClient client) =>
        AntiforgeryField().Match(await client.GetStringAsync("/login")).Groups[1].Value;

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string token, string name, string password) =>
        client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["name"] = name, ["password"] = password, ["returnUrl"] = "/",
        }));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

/// <summary>What a sign-in answer's timing gives away.</summary>
[Collection(ServiceGroup.Name)]
public sealed class PasswordCheckTimingTests(ServiceFixture service)
{
    [Fact]
    public void AnUnknownUserName_TakesAsLongAsAWrongPassword()
    {
        // Regression: an unknown name was answered without hashing (~0.1 ms against ~50 ms), which told an attacker
        // which user names exist. The ratio is far from both 1 and 500, so scheduling noise cannot flip it.
        var admin = service.Get<UserAdmin>();
        admin.Create("timing-user", [Roles.Analyst]);
        admin.CheckPassword("no-such-user", "warm-up");

        double known = Median(() => admin.CheckPassword("timing-user", "wrong"));
        double unknown = Median(() => admin.CheckPassword("no-such-user", "wrong"));

        Assert.True(unknown > known / 4, $"unknown name {unknown:F2} ms, wrong password {known:F2} ms");
    }

    private static double Median(Action check)
    {
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            check();
            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times.Order().ElementAt(2);
    }
}
