using System.Net;
using NormService.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace NormService.IntegrationTests.Faults;

// Each class has its own schema and virtual host; the collection runs them one at a time, after every
// other test, because they restart the PostgreSQL and RabbitMQ that everything shares.

[Collection(FaultInjection.Name)]
[Trait("Category", "Fault")]
public sealed class ServiceKilledTests(FaultFixture fixture, ITestOutputHelper output) : IClassFixture<FaultFixture>
{
    [Fact]
    public async Task Killed_with_SIGKILL_at_random_moments_while_traffic_flows_the_service_loses_nothing_and_counts_nothing_twice()
    {
        var scenario = FaultScenario.Generate(FaultScale.Sellers, seed: 1, FaultRun.Policy);
        await using var run = await FaultRun.StartAsync(fixture, "kill");
        var random = new Random(1);

        // Faster than the service takes them, so every kill finds hundreds of messages in flight: each must
        // come back (unacknowledged) and none may count twice. Paced, a kill often finds the service idle.
        var publishing = run.Broker.PublishAllAsync(scenario.Messages, FaultScale.PublishRate * 4);
        for (var kill = 0; kill < FaultScale.Kills; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 1_000)));
            await run.Service.KillAsync();
            var (orders, queries) = await run.LedgerCountsAsync();
            output.WriteLine($"kill {kill + 1}: {orders + queries:N0} of {scenario.Events:N0} events recorded, {run.Broker.Published:N0} published");
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 1_000)));
            await run.Service.StartAsync();
        }
        await publishing;
        await run.WaitUntilRecordedAsync(scenario);

        // Once more while the verdicts are being written and forwarded.
        await run.PublishNormTableAsync(scenario);
        await Task.Delay(TimeSpan.FromMilliseconds(random.Next(50, 300)));
        await run.Service.KillAsync();
        await run.Service.StartAsync();

        var report = await run.VerifyAsync(scenario, "kill -9", $"{run.Service.Kills} × SIGKILL");
        report.Publish(output);
        Assert.True(report.Clean, report.ToString());
        Assert.Equal(FaultScale.Kills + 1, run.Service.Kills);
    }
}

[Collection(FaultInjection.Name)]
[Trait("Category", "Fault")]
public sealed class BrokerRestartedTests(FaultFixture fixture, ITestOutputHelper output) : IClassFixture<FaultFixture>
{
    [Fact]
    public Task RabbitMQ_restarted_mid_stream_the_service_reconnects_by_itself_loses_nothing_and_readiness_shows_the_outage() =>
        LocalServiceRestart.RunAsync(fixture, output, "rabbitmq", seed: 2, "RabbitMQ restart", "stop_app, 5 s down, start_app");
}

[Collection(FaultInjection.Name)]
[Trait("Category", "Fault")]
public sealed class DatabaseRestartedTests(FaultFixture fixture, ITestOutputHelper output) : IClassFixture<FaultFixture>
{
    [Fact]
    public Task PostgreSQL_restarted_mid_stream_the_service_reconnects_by_itself_loses_nothing_and_readiness_shows_the_outage() =>
        LocalServiceRestart.RunAsync(fixture, output, "postgres", seed: 3, "PostgreSQL restart", "pg_ctl stop -m fast, 5 s down, start");
}

/// <summary>The broker and the database restart tests: the same run, another service restarted.</summary>
internal static class LocalServiceRestart
{
    public static async Task RunAsync(FaultFixture fixture, ITestOutputHelper output, string service, int seed, string fault, string injected)
    {
        var scenario = FaultScenario.Generate(FaultScale.Sellers, seed, FaultRun.Policy);
        await using var run = await FaultRun.StartAsync(fixture, service);
        await using (var readiness = new ReadinessLog(run.Service))
        {
            var publishing = run.Broker.PublishAllAsync(scenario.Messages, FaultScale.PublishRate);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var restart = await LocalServices.RestartAsync(service, secondsDown: 5);
            await publishing;
            await run.WaitUntilRecordedAsync(scenario);
            await run.Service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            await AssertOutageSeenAsync(readiness, restart);
        }
        await run.PublishNormTableAsync(scenario);

        var report = await run.VerifyAsync(scenario, fault, injected);
        report.Publish(output);
        Assert.True(report.Clean, report.ToString());
        Assert.Equal(1, run.Service.Starts); // it reconnected; nobody restarted it
        Assert.False(run.Service.HasExited);
    }

    /// <summary>Readiness went to 503 during the outage and back to 200 after it, by itself.</summary>
    private static async Task AssertOutageSeenAsync(ReadinessLog readiness, RestartResult restart)
    {
        await Task.Delay(TimeSpan.FromSeconds(1)); // a poll after the service became ready again
        var seen = readiness.Seen;
        var log = string.Join(", ", seen.Select(s => $"{s.At.TotalSeconds:0.0}s {(s.Status is { } status ? (int)status : 0)}"));
        var down = seen.Where(s => s.At >= restart.Began && s.At <= restart.Ended + TimeSpan.FromSeconds(10) && s.Status != HttpStatusCode.OK).ToList();
        Assert.True(down.Count > 0, $"readiness never showed the outage ({restart.Began.TotalSeconds:0.0}s..{restart.Ended.TotalSeconds:0.0}s): {log}");
        Assert.True(seen.Any(s => s.At > seen.Last(d => d.Status != HttpStatusCode.OK).At && s.Status == HttpStatusCode.OK), $"readiness did not come back: {log}");
    }
}

[Collection(FaultInjection.Name)]
[Trait("Category", "Fault")]
public sealed class DuplicatedAndShuffledTests(FaultFixture fixture, ITestOutputHelper output) : IClassFixture<FaultFixture>
{
    [Fact]
    public async Task Every_message_delivered_twice_in_shuffled_order_gives_the_same_verdicts_as_the_domain()
    {
        var scenario = FaultScenario.Generate(FaultScale.Sellers, seed: 4, FaultRun.Policy);
        await using var run = await FaultRun.StartAsync(fixture, "duplicates");

        await run.Broker.PublishAllAsync(scenario.DuplicatedAndShuffled(seed: 4), FaultScale.PublishRate * 2);
        await run.WaitUntilRecordedAsync(scenario);
        await run.PublishNormTableAsync(scenario);

        var report = await run.VerifyAsync(scenario, "duplicates + disorder", "every message twice, shuffled");
        report.Publish(output);
        Assert.True(report.Clean, report.ToString());
        Assert.Equal(scenario.Events * 2, run.Broker.Published);
    }
}

/// <summary>Restarts the shared local services (scripts/infra-restart.sh) and says when the outage was.</summary>
public static class LocalServices
{
    private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>The clock outages and readiness observations are both read on.</summary>
    public static TimeSpan Now => Clock.Elapsed;

    public static async Task<RestartResult> RestartAsync(string service, int secondsDown)
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "infra-restart.sh");
        var began = Now;
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [script, service, secondsDown.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Restarting {service} failed ({process.ExitCode}): {await errors} The fault tests need the local services of scripts/infra-up.sh. {TestInfrastructure.SetupHint}");
        return new RestartResult(began, Now);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NormService.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("NormService.sln not found above the test binaries.");
    }
}

/// <summary>When an outage began and ended, on the clock <see cref="ReadinessLog"/> uses.</summary>
public sealed record RestartResult(TimeSpan Began, TimeSpan Ended);
