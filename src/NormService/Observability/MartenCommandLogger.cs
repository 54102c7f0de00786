using JasperFx.Events;
using Marten;
using Marten.Services;
using Npgsql;

namespace NormService.Observability;

/// <summary>
/// Marten's command log, minus the noise: a write conflict (two instances appending to one seller, a
/// unique key taken by the winner) is expected under scale-out and retried, so it is logged at Debug;
/// every other failure stays an error.
/// </summary>
public sealed partial class MartenCommandLogger(ILogger<MartenCommandLogger> logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => LogSchemaChange(sql);

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => LogFailure(ex, command.CommandText);

    public void LogFailure(NpgsqlBatch batch, Exception ex) => LogFailure(ex, string.Join("; ", batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => c.CommandText)));

    public void LogFailure(Exception ex, string message)
    {
        if (IsWriteConflict(ex)) LogConflict(message);
        else LogCommandFailed(ex, message);
    }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    private static bool IsWriteConflict(Exception ex) =>
        ex is JasperFx.ConcurrencyException or EventStreamUnexpectedMaxEventIdException or Marten.Exceptions.ExistingStreamIdCollisionException
        || ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || (ex.InnerException is { } inner && IsWriteConflict(inner));

    [LoggerMessage(LogLevel.Information, "Marten schema change: {Sql}")]
    private partial void LogSchemaChange(string sql);

    [LoggerMessage(LogLevel.Debug, "Write conflict (retried): {Command}")]
    private partial void LogConflict(string command);

    [LoggerMessage(LogLevel.Error, "Marten command failed: {Command}")]
    private partial void LogCommandFailed(Exception ex, string command);
}
