using Marten;
using Microsoft.Extensions.Options;
using NormService.Domain.Norms;
using NormService.Infrastructure;

namespace NormService.Norms;

/// <summary>
/// The published norm tables, read from PostgreSQL and cached briefly: they change once a month, but
/// every decision needs them, and another instance may publish one.
/// </summary>
public sealed class NormTableCatalog(IDocumentStore store, IOptions<NormServiceOptions> options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private (NormTables Tables, DateTimeOffset LoadedAt)? cached;

    public async Task<NormTables> GetAsync(CancellationToken cancellationToken)
    {
        if (cached is { } hit && time.GetUtcNow() - hit.LoadedAt < options.Value.NormTableCacheDuration) return hit.Tables;
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (cached is { } again && time.GetUtcNow() - again.LoadedAt < options.Value.NormTableCacheDuration) return again.Tables;
            await using var session = store.QuerySession();
            var stored = await session.Query<StoredNormTable>().ToListAsync(cancellationToken);
            var tables = NormTables.Of(stored.Select(ToDomain));
            cached = (tables, time.GetUtcNow());
            return tables;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the cache, so a table just published here is used at once.</summary>
    public void Invalidate() => cached = null;

    public void Dispose() => gate.Dispose();

    public static NormTable ToDomain(StoredNormTable stored) =>
        NormTable.Create(NormMonth.Parse(stored.Id), stored.Norms, stored.Revision);
}
