using System.Text;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DroneScan.Web.Tests;

/// <summary>The exception → answer mapping of the API, on a real ProblemDetails service.</summary>
public sealed class ApiExceptionHandlerTests
{
    [Theory]
    [InlineData(StoreProblem.Full, "full")]
    [InlineData(StoreProblem.Locked, "busy")]
    public async Task AFullOrLockedDatabase_Is503WithRetryAfter_AndDoesNotShowTheDatabasePath(StoreProblem problem, string word)
    {
        const string database = "/srv/secret-place/dronescan.db";
        var (status, headers, body) = await HandleAsync(new StoreUnavailableException(database, problem, $"{database}: {problem}", new IOException("inner")));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("30", headers.RetryAfter.ToString());
        Assert.Contains(word, body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-place", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownException_IsLeftToTheDefault500()
    {
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new ApiExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), new ServerPaths([SecretFolder]));
        Assert.False(await handler.TryHandleAsync(new DefaultHttpContext { RequestServices = services }, new IOException("disk"), CancellationToken.None));
    }

    [Theory]
    [InlineData(typeof(KeyNotFoundException))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(ArgumentException))]
    public async Task AMessageNamingAServerFolder_IsAnsweredWithoutIt(Type type)
    {
        var exception = (Exception)Activator.CreateInstance(type, $"{SecretFolder}/dronescan.db: no hazard point 'hp-x'")!;

        var (_, _, body) = await HandleAsync(exception);

        Assert.DoesNotContain("secret-place", body, StringComparison.Ordinal);
        Assert.Contains("no hazard point 'hp-x'", body, StringComparison.Ordinal);
    }

    private const string SecretFolder = "/srv/secret-place";

    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> HandleAsync(Exception exception)
    {
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new ApiExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), new ServerPaths([SecretFolder]));
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Headers.Accept = "application/json";
        using var body = new MemoryStream();
        context.Response.Body = body;
        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));
        return (context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(body.ToArray()));
    }
}
