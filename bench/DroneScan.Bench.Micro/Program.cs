using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project bench/DroneScan.Bench.Micro -- --filter '*'
// (BenchmarkDotNet's own arguments: --filter, --job short, --memory, ...).
BenchmarkSwitcher.FromAssembly(typeof(DroneScan.Bench.Micro.TileFillBenchmarks).Assembly).Run(args);
