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

    /// <summary>The shipped thermal model, loaded beside the RGB one when present (automatic model choice).</summary>
    public const string ThermalModelPath = "models/dronescan-thermal.onnx";

    /// <summary>The shipped RGB model trained on real photos of PFM-1 mines, loaded after the others when present: not
    /// chosen automatically (the first model of a sensor is), but a flight's <c>model</c> setting can name it.</summary>
    public const string RealRgbModelPath = "models/dronescan-rgb-pfm1.onnx";

    /// <summary>The configuration section of the service's scan options (<see cref="ScanOptions"/>: georeferencing,
    /// tiling, clustering; e.g. <c>Scan:AreaBufferM</c>), over the CLI's defaults.</summary>
    public const string ScanOptionsSection = "Scan";

    /// <summary>
    /// Binds <see cref="JobOptions"/>, loads the models once (<see cref="ServiceModels"/>, a singleton owning their ONNX
    /// sessions; each job makes its own tiled detectors over them), and registers Hangfire
    /// on the storage of <see cref="StorageOptions"/>; with <paramref name="runServer"/> this process also runs jobs.
    /// </summary>
    public static IServiceCollection AddDroneScanJobs(this IServiceCollection services, bool runServer)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScanOptions>().BindConfiguration(ScanOptionsSection);
        services.AddSingleton(sp => LoadModels(sp.GetRequiredService<IOptions<JobOptions>>().Value));
        services.AddTransient<FlightJobs>();
        services.AddSingleton<AreasRebuilds>();
        services.AddHostedService(sp => sp.GetRequiredService<AreasRebuilds>());
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

    /// <summary>The configured models (<see cref="JobOptions.ModelPath"/>, then <see cref="JobOptions.Models"/>), or the
    /// shipped ones: the RGB model (required) and the thermal one when it is there.</summary>
    private static ServiceModels LoadModels(JobOptions options)
    {
        var paths = new[] { options.ModelPath }.Concat(options.Models ?? []).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!).Distinct(StringComparer.Ordinal).ToList();
        if (paths.Count == 0)
        {
            paths = ShippedModelPaths();
        }

        var loaded = new List<OnnxDetector>();
        try
        {
            foreach (var path in paths)
            {
                loaded.Add(OnnxDetector.Load(path, new DetectorOptions { IntraOpThreads = options.DetectorThreads }));
            }

            return new ServiceModels(loaded);
        }
        catch
        {
            loaded.ForEach(d => d.Dispose());
            throw;
        }
    }

    /// <summary>The shipped models the service loads when none is configured: the RGB model (required; the default of
    /// RGB photos), the thermal one and the real-imagery RGB one when they are there, in that order.</summary>
    /// <exception cref="InvalidOperationException">The RGB model is not found.</exception>
    internal static List<string> ShippedModelPaths()
    {
        var paths = new List<string>
        {
            FindUpwards(DefaultModelPath)
                ?? throw new InvalidOperationException($"no model: {DefaultModelPath} is not above the program's or the working folder; set Jobs:ModelPath (--model)"),
        };
        paths.AddRange(new[] { ThermalModelPath, RealRgbModelPath }.Select(FindUpwards).OfType<string>());
        return paths;
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
