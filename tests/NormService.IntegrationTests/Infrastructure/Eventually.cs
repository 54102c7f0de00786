namespace NormService.IntegrationTests.Infrastructure;

/// <summary>Polls for an asynchronous outcome with a deadline, so tests wait no longer than needed.</summary>
public static class Eventually
{
    // Generous: test classes run in parallel on a 2-core machine, next to PostgreSQL and RabbitMQ.
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null, string? what = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting for {what ?? typeof(T).Name}.");
            await Task.Delay(50);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? what = null)
    {
        await GetAsync<object>(async () => await condition() ? new object() : null, timeout, what ?? "a condition");
    }
}
