using DroneScan.Core.Flights;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Scan;
using DroneScan.Web.Jobs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Hosting;

/// <summary>Registers the detector, the flight processor and Hangfire (client, and optionally a server).</summary>
public static class JobServiceCollectionExtensions
{
    /// <summary>The shipped model, relative to the repository or install folder.</summary>
    public const string DefaultModelPath = "models/dronescan-rgb.onnx";

    /// <summary>The configuration section of the service's scan options (<see cref="ScanOptions"/>: georeferencing,
    /// tiling, clustering; e.g. <c>Scan:AreaBufferM</c>), over the CLI's defaults.</summary>
    public const string ScanOptionsSection = "Scan";

    /// <summary>
    /// Binds <see cref="JobOptions"/>, loads the model once (a singleton owning its ONNX session), and registers Hangfire
    /// on the storage of <see cref="StorageOptions"/>; with <paramref name="runServer"/> this process also runs jobs.
    /// </summary>
    public static IServiceCollection AddDroneScanJobs(this IServiceCollection services, bool runServer)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScanOptions>().BindConfiguration(ScanOptionsSection);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<JobOptions>>().Value;
            string path = options.ModelPath is { Length: > 0 } given ? given : FindUpwards(DefaultModelPath)
                ?? throw new InvalidOperationException($"no model: {DefaultModelPath} is not above {AppContext.BaseDirectory} or the working folder; set Jobs:ModelPath (--model)");
            return OnnxDetector.Load(path, new DetectorOptions { IntraOpThreads = options.DetectorThreads });
        });
        // A TiledDetector owns its tensor buffer: one per job (transient), never shared between worker threads;
        // the ONNX session under it is shared (thread-safe). It runs at the model's recommended score threshold.
        services.AddTransient(sp =>
        {
            var model = sp.GetRequiredService<OnnxDetector>();
            var detection = sp.GetRequiredService<IOptions<ScanOptions>>().Value.Detection with { MinScore = TiledDetectionOptions.RecommendedMinScore(model.Info) };
            return new FlightProcessor(sp.GetRequiredService<IFlightStore>(), new TiledDetector(model, detection))
            {
                // Uploads of the same photos are separate flights: their points must not share ids.
                FlightScopedHazardIds = true,
            };
        });
        services.AddTransient<FlightJobs>();
        services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            FlightStoreFactory.UseJobStorage(
                config, sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<IOptions<JobOptions>>().Value);
        });
        if (runServer)
        {
            services.AddHangfireServer((sp, server) =>
            {
                int workers = sp.GetRequiredService<IOptions<JobOptions>>().Value.Workers;
                server.WorkerCount = workers > 0 ? workers : Environment.ProcessorCount;
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        }

        return services;
    }

    /// <summary>The first existing <paramref name="relativePath"/> under the program's or the working folder, or above them.</summary>
    public static string? FindUpwards(string relativePath)
    {
        foreach (var root in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, relativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
