using Marten;
using Marten.Events.Projections;
using NormService.Domain.Norms;
using NormService.Infrastructure;

namespace NormService.Norms;

/// <summary>
/// Norm tables as events: one stream per month (<c>norm-table:yyyy-MM</c>, a key no seller id can take),
/// one <see cref="NormTablePublished"/> per revision, projected inline to <see cref="StoredNormTable"/>.
/// </summary>
public sealed class NormTableStore(IDocumentStore store, NormTableCatalog catalog, TimeProvider time)
{
    public static string StreamKey(NormMonth month) => $"norm-table:{month}";

    /// <summary>Publishes or corrects a month's table; null when it equals the current one.</summary>
    /// <exception cref="Domain.DomainValidationException">The table is invalid.</exception>
    /// <exception cref="Domain.DomainRuleException">The month's table is in force and cannot change.</exception>
    public async Task<NormTablePublished?> PublishAsync(NormMonth month, IEnumerable<KeyValuePair<string, decimal>> norms, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var stored = await session.LoadAsync<StoredNormTable>(month.ToString(), cancellationToken);
        var published = NormTablePublishing.Decide(stored is null ? null : NormTableCatalog.ToDomain(stored), month, norms, time.GetUtcNow());
        if (published is null) return null;
        // The stream's version is the revision: a concurrent publisher of the same revision loses.
        session.Events.Append(StreamKey(month), published.Revision, published);
        await session.SaveChangesAsync(cancellationToken);
        catalog.Invalidate();
        return published;
    }

    public async Task<IReadOnlyList<StoredNormTable>> AllAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Query<StoredNormTable>().OrderBy(t => t.Id).ToListAsync(cancellationToken);
    }

    public async Task<StoredNormTable?> FindAsync(NormMonth month, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<StoredNormTable>(month.ToString(), cancellationToken);
    }
}

/// <summary>Keeps <see cref="StoredNormTable"/> (the newest revision per month) in the publishing transaction.</summary>
public sealed partial class NormTableProjection : EventProjection
{
    public NormTableProjection() => IncludeType<NormTablePublished>();

    public override ValueTask ApplyAsync(IDocumentOperations operations, JasperFx.Events.IEvent e, CancellationToken cancellation)
    {
        if (e.Data is NormTablePublished p) operations.Store(new StoredNormTable(p.Month, p.Revision, p.Norms.ToDictionary(), p.PublishedAt));
        return ValueTask.CompletedTask;
    }
}
