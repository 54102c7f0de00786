using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using NormService.Benchmark;

// Usage: NormService.Benchmark [--events N] [--sellers S] [--naive-cap N] [--latency-sellers S] [--runs N] [--scaling 10000x100,100000x10000,...]
// Needs ConnectionStrings__Postgres, ConnectionStrings__RabbitMq and RabbitMq__ManagementUri (bench/run.sh sets them).
var options = BenchOptions.Parse(args);
var infra = Infrastructure.FromEnvironment();
Console.WriteLine($"NormService benchmark: {options.Events:N0} order events across {options.Sellers:N0} sellers, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

var messages = Traffic.Generate(options.Events, options.Sellers);
var naiveMessages = messages.Take(options.NaiveCap).ToList();
// Warm-up, not reported: the first mode of a cold process would otherwise pay for JIT compilation.
var warmUp = Traffic.Generate(Math.Min(options.Events, 5_000), options.Sellers);
await Modes.TransportCeilingAsync(infra, warmUp);
await Modes.EndToEndAsync(infra, warmUp);
var runs = new List<(ModeResult Transport, ModeResult Storage, ModeResult Naive, ModeResult EndToEnd)>();
for (var run = 1; run <= options.Runs; run++)
{
    // The modes take turns within a run, so a noisy moment on the machine hits one run, not one mode.
    runs.Add((await Modes.TransportCeilingAsync(infra, messages), await Modes.StorageCeilingAsync(infra, messages),
        await Modes.NaiveBaselineAsync(infra, naiveMessages), await Modes.EndToEndAsync(infra, messages)));
    var last = runs[^1];
    Console.WriteLine($"run {run}/{options.Runs}: transport {last.Transport.EventsPerSecond:N0}/s, storage {last.Storage.EventsPerSecond:N0}/s, naive {last.Naive.EventsPerSecond:N0}/s, end to end {last.EndToEnd.EventsPerSecond:N0}/s ({last.EndToEnd.MeanBatchSize:0} commands per transaction)");
}
var transport = Median(runs.Select(r => r.Transport));
var storage = Median(runs.Select(r => r.Storage));
var naive = Median(runs.Select(r => r.Naive));
var endToEnd = Median(runs.Select(r => r.EndToEnd));
Console.WriteLine();
Console.WriteLine($"median of {options.Runs} run(s):");
Report("1 transport ceiling (publish + no-op consumer)", transport);
Report("2 storage ceiling (same events straight to Marten)", storage);
Report($"3 naive baseline (1 message, 1 session, 1 commit; first {naiveMessages.Count:N0})", naive);
Report($"4 NormService end to end (mean {endToEnd.MeanBatchSize:0} commands per transaction)", endToEnd);

Console.WriteLine();
Console.WriteLine($"ratio 4/1 (of transport ceiling): {endToEnd.EventsPerSecond / transport.EventsPerSecond:P0}{Range(r => r.EndToEnd.EventsPerSecond / r.Transport.EventsPerSecond, "P0")}   target >= 50%");
Console.WriteLine($"ratio 4/2 (of storage ceiling):   {endToEnd.EventsPerSecond / storage.EventsPerSecond:P0}{Range(r => r.EndToEnd.EventsPerSecond / r.Storage.EventsPerSecond, "P0")}");
Console.WriteLine($"ratio 4/3 (over naive baseline):  {endToEnd.EventsPerSecond / naive.EventsPerSecond:0.0}x{Range(r => r.EndToEnd.EventsPerSecond / r.Naive.EventsPerSecond, "0.0")}   target >= 10x");

// The same ratio within each run: how far the machine's noise moves it.
string Range(Func<(ModeResult Transport, ModeResult Storage, ModeResult Naive, ModeResult EndToEnd), double> ratio, string format) =>
    runs.Count < 2 ? "" : $" (per run {runs.Min(ratio).ToString(format, CultureInfo.InvariantCulture)}..{runs.Max(ratio).ToString(format, CultureInfo.InvariantCulture)})";
Console.WriteLine(endToEnd.Latencies.Count > 0
    ? $"verdict latency under the full-speed backlog above: p50 {Percentile(endToEnd.Latencies, 0.50):0} ms, p99 {Percentile(endToEnd.Latencies, 0.99):0} ms over {endToEnd.Latencies.Count:N0} sellers (the time to drain the queue)"
    : "verdict latency under the backlog: n/a (fewer than 100 orders per seller)");
// At half the measured end-to-end rate: a load the service keeps up with, as in production.
var pacedRate = Math.Max(50, (int)(endToEnd.EventsPerSecond / 2));
var paced = await Modes.PacedLatencyAsync(infra, options.LatencySellers, pacedRate);
Console.WriteLine(paced.Latencies.Count > 0
    ? $"verdict latency at {pacedRate:N0} orders/s (100th order published -> outcome received, settlement 0): p50 {Percentile(paced.Latencies, 0.50):0} ms, p99 {Percentile(paced.Latencies, 0.99):0} ms over {paced.Latencies.Count:N0} sellers   target p99 < 250 ms"
    : "verdict latency at a steady rate: no outcome received");
Console.WriteLine($"peak RSS of this process (all modes, service in-process): {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MiB");

if (options.Scaling.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("scaling (end to end, a fresh schema and vhost per row)");
    Console.WriteLine($"{"events",10} {"sellers",8} {"events/s",10} {"us/event",9} {"RSS MiB",8}");
    foreach (var (events, sellers) in options.Scaling)
    {
        var run = await Modes.EndToEndAsync(infra, Traffic.Generate(events, sellers));
        Console.WriteLine($"{events,10:N0} {sellers,8:N0} {run.EventsPerSecond,10:N0} {1_000_000 / run.EventsPerSecond,9:0.0} {run.WorkingSetMiB,8:N0}");
    }
}

// The closing line CI greps for: every mode counted exactly what it was given.
if (paced.Latencies.Count != options.LatencySellers) throw new InvalidOperationException($"Only {paced.Latencies.Count} of {options.LatencySellers} verdicts arrived.");
Console.WriteLine($"benchmark complete: counts exact in all modes ({runs.Sum(r => r.Transport.Events + r.Storage.Events + r.Naive.Events + r.EndToEnd.Events) + paced.Events:N0} events)");
return 0;

static void Report(string name, ModeResult result) =>
    Console.WriteLine($"{name,-72} {result.EventsPerSecond,9:N0} events/s  ({result.Events:N0} in {result.Elapsed.TotalSeconds:0.0} s, working set {result.WorkingSetMiB:N0} MiB)");

// The run whose rate is the median (the lower middle for an even count), with its other figures.
static ModeResult Median(IEnumerable<ModeResult> results)
{
    var sorted = results.OrderBy(r => r.EventsPerSecond).ToList();
    return sorted[(sorted.Count - 1) / 2];
}

static double Percentile(IReadOnlyList<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}

namespace NormService.Benchmark
{
    public sealed record BenchOptions(int Events, int Sellers, int NaiveCap, IReadOnlyList<(int Events, int Sellers)> Scaling, int LatencySellers, int Runs)
    {
        public static BenchOptions Parse(string[] args)
        {
            string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            var scaling = (Value("--scaling") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('x')).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
            return new BenchOptions(Int("--events", 20_000), Int("--sellers", 200), Int("--naive-cap", 3_000), scaling, Int("--latency-sellers", 100), Math.Max(1, Int("--runs", 3)));
        }
    }

    public sealed record ModeResult(int Events, TimeSpan Elapsed, long WorkingSetMiB, IReadOnlyList<double> Latencies)
    {
        /// <summary>Mean commands per transaction (end to end only).</summary>
        public double MeanBatchSize { get; init; }

        public double EventsPerSecond => Events / Elapsed.TotalSeconds;

        public static ModeResult Of(int events, Stopwatch stopwatch, IReadOnlyList<double>? latencies = null) =>
            new(events, stopwatch.Elapsed, Environment.WorkingSet / 1024 / 1024, latencies ?? []);
    }

    /// <summary>Counts arrivals and completes when the expected number has arrived.</summary>
    public sealed class Countdown(int expected)
    {
        private int count;
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Done => done.Task;
        public void Signal() { if (Interlocked.Increment(ref count) == expected) done.TrySetResult(); }
        public int Count => Volatile.Read(ref count);
    }

    /// <summary>The mean number of commands per transaction, read from the service's batch-size histogram.</summary>
    public sealed class BatchSizes : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener listener = new();
        private long batches;
        private long commands;

        public BatchSizes()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == NormService.Observability.NormServiceMetrics.BatchSizeInstrument) l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
            {
                Interlocked.Increment(ref batches);
                Interlocked.Add(ref commands, value);
            });
            listener.Start();
        }

        public double Mean => batches == 0 ? 0 : (double)commands / batches;

        public void Dispose() => listener.Dispose();
    }

    public sealed class LatencyClock
    {
        private readonly ConcurrentDictionary<string, long> published = new();
        public ConcurrentBag<double> Latencies { get; } = [];
        public void Published(string sellerId) => published[sellerId] = Stopwatch.GetTimestamp();
        public void Received(string sellerId)
        {
            if (published.TryRemove(sellerId, out var at)) Latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
        }
    }
}
