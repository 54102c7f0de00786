using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NormService.IntegrationTests.Faults;

/// <summary>
/// The real service as an operating-system process (<c>dotnet NormService.dll</c>), so that it can be killed
/// with SIGKILL: no shutdown hook runs, no transaction finishes, nothing is flushed. Its output goes to a
/// log file per start, kept for diagnosis.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly string logDirectory;
    private Process? process;
    private StreamWriter? log;

    public ServiceProcess(IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        this.environment = environment;
        this.logDirectory = logDirectory;
        Directory.CreateDirectory(logDirectory);
        Port = FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }
    public HttpClient Http { get; }
    public int Starts { get; private set; }
    public int Kills { get; private set; }

    /// <summary>Whether the current process has exited on its own (a crash, not a kill of ours).</summary>
    public bool HasExited => process?.HasExited ?? true;
    public int? ProcessId => process?.Id;

    public async Task StartAsync()
    {
        if (process is { HasExited: false }) throw new InvalidOperationException("The service is already running.");
        var serviceDll = typeof(Program).Assembly.Location; // built next to the tests, with its runtimeconfig and appsettings
        var info = new ProcessStartInfo("dotnet", [serviceDll])
        {
            WorkingDirectory = Path.GetDirectoryName(serviceDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";
        info.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        Starts++;
        log = new StreamWriter(Path.Combine(logDirectory, $"service-{Starts}.log")) { AutoFlush = true };
        var writer = log;
        process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>SIGKILL, at whatever point the service is.</summary>
    public async Task KillAsync()
    {
        if (process is null || process.HasExited) throw new InvalidOperationException("The service is not running: it must not have exited by itself.");
        process.Kill(entireProcessTree: true); // SIGKILL on Linux
        await process.WaitForExitAsync();
        Kills++;
        CloseLog();
    }

    public async Task<HttpStatusCode?> ReadinessAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await ReadinessAsync() != HttpStatusCode.OK)
        {
            if (process is { HasExited: true })
                throw new InvalidOperationException($"The service exited with code {process.ExitCode} while starting; see {logDirectory}.");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The service was not ready within {timeout.TotalSeconds:0} s; see {logDirectory}.");
            await Task.Delay(200);
        }
    }

    /// <summary>A graceful stop (SIGTERM, as an orchestrator sends).</summary>
    public async Task StopAsync()
    {
        if (process is null || process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        CloseLog();
    }

    private void CloseLog()
    {
        process?.WaitForExit(); // drains the output handlers
        if (log is null) return;
        lock (log) log.Dispose();
        log = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process?.Dispose();
        Http.Dispose();
    }
}
