using System.Text.Json;
using System.Text.Json.Serialization;
using DroneScan.Storage;
using DroneScan.Web.Api;
using DroneScan.Web.Auth;
using DroneScan.Web.Map;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Hosting;

/// <summary>Settings a command line passes to a host, as configuration keys (<c>Storage:DataDir</c> …).</summary>
public sealed record HostSettings
{
    /// <summary>Addresses to listen on (web host only).</summary>
    public string Urls { get; init; } = DroneScanWebApp.DefaultUrls;

    public string? DataDir { get; init; }

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public string? Database { get; init; }

    public string? Connection { get; init; }

    public string? ModelPath { get; init; }

    /// <summary>More models beside <see cref="ModelPath"/> (<c>Jobs:Models</c>); none and no ModelPath: the shipped ones.</summary>
    public IReadOnlyList<string>? ModelPaths { get; init; }

    /// <summary>Hangfire workers (0 = one per core).</summary>
    public int? Workers { get; init; }

    /// <summary>ONNX Runtime threads per inference (0 = one per core).</summary>
    public int? DetectorThreads { get; init; }

    /// <summary>An offline base map (MBTiles) for the map page (web host only).</summary>
    public string? BaseMapFile { get; init; }

    /// <summary>The settings as configuration keys; unset ones are left to appsettings and the environment.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration()
    {
        var pairs = new Dictionary<string, string?>
        {
            [$"{StorageOptions.Section}:{nameof(StorageOptions.DataDir)}"] = DataDir,
            [$"{StorageOptions.Section}:{nameof(StorageOptions.Provider)}"] = Database,
            [$"{StorageOptions.Section}:{nameof(StorageOptions.ConnectionString)}"] = Connection,
            [$"{JobOptions.Section}:{nameof(JobOptions.ModelPath)}"] = ModelPath,
            [$"{JobOptions.Section}:{nameof(JobOptions.Workers)}"] = Workers?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{JobOptions.Section}:{nameof(JobOptions.DetectorThreads)}"] = DetectorThreads?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{UiOptions.Section}:{nameof(UiOptions.BaseMapFile)}"] = BaseMapFile,
        };
        for (int i = 0; i < (ModelPaths?.Count ?? 0); i++)
        {
            pairs[$"{JobOptions.Section}:{nameof(JobOptions.Models)}:{i}"] = ModelPaths![i];
        }

        return pairs.Where(p => p.Value is not null);
    }
}

/// <summary>The web service: API, login, Hangfire dashboard and (by default) a Hangfire server, in one process.</summary>
public static class DroneScanWebApp
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Builds the app; configuration comes from appsettings, the environment (<c>DRONESCAN_</c> prefix),
    /// then <paramref name="settings"/>.</summary>
    public static WebApplication Build(HostSettings settings, bool runJobs = true)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Localisation.UseInvariantFormatting();
        // The UI's files ship beside the program (wwwroot), wherever it is started from; Ui:WebRoot overrides.
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables("DRONESCAN_").AddInMemoryCollection(settings.ToConfiguration()).Build();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            WebRootPath = WebUi.ResolveWebRoot(configuration[$"{UiOptions.Section}:{nameof(UiOptions.WebRoot)}"]),
        });
        builder.Configuration.AddEnvironmentVariables("DRONESCAN_").AddInMemoryCollection(settings.ToConfiguration());
        builder.WebHost.UseUrls(settings.Urls);
        builder.Services
            .AddDroneScanStorage()
            .AddDroneScanJobs(runJobs)
            .AddDroneScanAuth()
            .AddDroneScanApi()
            .AddDroneScanMap();

        var app = builder.Build();
        app.UseDroneScanApi();
        return app;
    }

    /// <summary>JSON (camelCase, enums as lower-case text), ProblemDetails errors, upload limits, health check.</summary>
    public static IServiceCollection AddDroneScanApi(this IServiceCollection services)
    {
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UiOptions>().BindConfiguration(UiOptions.Section);
        services.AddDroneScanLocalisation();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        services.AddProblemDetails();
        services.AddSingleton(sp => new ServerPaths([
            FlightStoreFactory.DataDir(sp.GetRequiredService<IOptions<StorageOptions>>().Value),
            (sp.GetRequiredService<DroneScanStores>().Owner as SqlFlightStore)?.Description,
            sp.GetService<IWebHostEnvironment>()?.ContentRootPath,
            sp.GetService<IWebHostEnvironment>()?.WebRootPath,
            sp.GetRequiredService<IOptions<UiOptions>>().Value.BaseMapFile is { Length: > 0 } baseMap ? Path.GetFullPath(baseMap) : null,
            AppContext.BaseDirectory,
        ]));
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddHealthChecks();
        return services;
    }

    /// <summary>The middleware and endpoints: the request's language, errors → ProblemDetails, authentication,
    /// antiforgery, API, pages, dashboard.</summary>
    public static WebApplication UseDroneScanApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // First: the error answers written on the way out (exception handler, status pages) read the UI culture, and
        // a culture set further in does not flow back out to them.
        app.UseDroneScanLocalisation();
        app.UseExceptionHandler();
        app.UseStatusCodePages(PageEndpoints.WriteStatusCodeAnswerAsync);
        app.UseDroneScanUiHeaders();
        app.UseDroneScanPublicAssets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseDroneScanApiAntiforgery();
        app.UseDroneScanPages();
        app.UseAntiforgery();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapFlightEndpoints();
        app.MapExportEndpoints();
        app.MapHazardEndpoints();
        app.MapPhotoEndpoints();
        app.MapMapEndpoints();
        app.MapUserEndpoints();
        app.MapPageEndpoints();
        app.MapDroneScanUi();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new AdminDashboardFilter()], DisplayStorageConnectionString = false })
            .RequireAuthorization(Policies.Admin);
        return app;
    }
}

/// <summary>A processing-only node: a Hangfire server on the shared storage, no HTTP.</summary>
public static class WorkerHost
{
    public static IHost Build(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Localisation.UseInvariantFormatting();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddEnvironmentVariables("DRONESCAN_").AddInMemoryCollection(settings.ToConfiguration());
        builder.Services.AddDroneScanStorage().AddDroneScanJobs(runServer: true);
        return builder.Build();
    }
}

/// <summary>Storage and user administration only (no jobs, no HTTP): for commands such as <c>users add</c>.</summary>
public static class AdminHost
{
    public static IHost Build(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddEnvironmentVariables("DRONESCAN_").AddInMemoryCollection(settings.ToConfiguration());
        builder.Services.AddDroneScanStorage().AddSingleton<UserAdmin>();
        return builder.Build();
    }
}
