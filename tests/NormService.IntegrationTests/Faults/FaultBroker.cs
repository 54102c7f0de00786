using System.Text;
using System.Text.Json;
using NormService.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace NormService.IntegrationTests.Faults;

/// <summary>An outcome message as the durable outcome queue holds it.</summary>
public sealed record LoggedOutcome(string Exchange, Guid MessageId, string SellerId, int Phase, int? Point)
{
    /// <summary>What must be unique: a phase's verdict kind (its exchange) once, a progress report once per point.</summary>
    public (string SellerId, int Phase, string Kind, int? Point) Key => (SellerId, Phase, Exchange, Point);
}

/// <summary>A message an error queue holds, with the reason MassTransit wrote on it.</summary>
public sealed record DeadLetter(string Queue, string? MessageId, byte[] Body, string? Reason);

/// <summary>
/// The upstream and downstream side of a fault test on plain AMQP: publishes with publisher confirms and
/// publishes again whatever was not confirmed (through broker restarts: a message is never given up),
/// keeps the outcomes in a durable queue of its own that survives a broker restart, and reads the error
/// queues.
/// </summary>
public sealed class FaultBroker(Uri uri) : IAsyncDisposable
{
    public const string OutcomeQueue = "fault-test.outcomes";
    private readonly SemaphoreSlim reconnecting = new(1, 1);
    private IConnection? connection;
    private IChannel? channel;
    private int published;
    private int republished;

    /// <summary>Confirmed publications.</summary>
    public int Published => published;

    /// <summary>Publications repeated because no confirm came (the first may have arrived: a duplicate the service drops).</summary>
    public int Republished => republished;

    public async Task DeclareOutcomeQueueAsync()
    {
        var ch = await ChannelAsync();
        await ch.QueueDeclareAsync(OutcomeQueue, durable: true, exclusive: false, autoDelete: false);
        foreach (var exchange in RabbitMqTestClient.OutcomeExchanges)
        {
            await ch.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await ch.QueueBindAsync(OutcomeQueue, exchange, "");
        }
    }

    /// <summary>Publishes every message, <paramref name="perSecond"/> at most, up to 200 awaiting their confirm.</summary>
    /// <remarks>A message's AMQP message id is its <see cref="WireMessage.MessageId"/> when it has one.</remarks>
    public async Task PublishAllAsync(IReadOnlyList<WireMessage> messages, int perSecond, CancellationToken cancellationToken = default)
    {
        var started = DateTime.UtcNow;
        for (var offset = 0; offset < messages.Count; offset += 200)
        {
            var due = started + TimeSpan.FromSeconds((double)offset / perSecond);
            if (due > DateTime.UtcNow) await Task.Delay(due - DateTime.UtcNow, cancellationToken);
            var chunk = messages.Skip(offset).Take(200).ToList();
            while (chunk.Count > 0)
            {
                var ch = await ChannelAsync();
                var results = await Task.WhenAll(chunk.Select(async m =>
                {
                    try
                    {
                        await ch.BasicPublishAsync(m.Exchange, "", mandatory: false,
                            new BasicProperties { ContentType = "application/json", Persistent = true, MessageId = m.MessageId ?? Guid.NewGuid().ToString() }, m.Body, cancellationToken);
                        return (Message: m, Confirmed: true);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        return (Message: m, Confirmed: false);
                    }
                }));
                Interlocked.Add(ref published, results.Count(r => r.Confirmed));
                chunk = [.. results.Where(r => !r.Confirmed).Select(r => r.Message)];
                if (chunk.Count == 0) break;
                // The broker is away (or nacked): publish the unconfirmed ones again once it is back.
                Interlocked.Add(ref republished, chunk.Count);
                await ResetAsync(ch);
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<LoggedOutcome>> DrainOutcomesAsync()
    {
        var outcomes = new List<LoggedOutcome>();
        foreach (var (_, exchange, body) in await DrainAsync(OutcomeQueue))
        {
            using var envelope = JsonDocument.Parse(body);
            var message = envelope.RootElement.GetProperty("message");
            int? point = exchange == Contracts.ExchangeNames.GroeiStartProgressReported ? message.GetProperty("orders").GetInt32() : null;
            outcomes.Add(new LoggedOutcome(exchange, Guid.Parse(envelope.RootElement.GetProperty("messageId").GetString()!),
                message.GetProperty("sellerId").GetString()!, message.GetProperty("phase").GetInt32(), point));
        }
        return outcomes;
    }

    public async Task<IReadOnlyList<DeadLetter>> DrainErrorsAsync(params string[] queues)
    {
        var letters = new List<DeadLetter>();
        foreach (var queue in queues)
        {
            foreach (var (headers, messageId, body) in await DrainAsync(queue, withMessageId: true))
            {
                var reason = headers is not null && headers.TryGetValue("MT-Fault-Message", out var value) && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;
                letters.Add(new DeadLetter(queue, messageId, body, reason));
            }
        }
        return letters;
    }

    /// <summary>Takes every message of a queue: headers, the exchange it came through (or its message id), the body.</summary>
    private async Task<List<(IDictionary<string, object?>? Headers, string Source, byte[] Body)>> DrainAsync(string queue, bool withMessageId = false)
    {
        var messages = new List<(IDictionary<string, object?>?, string, byte[])>();
        // A channel of its own: a get from a queue that does not exist closes the channel.
        await using var probe = await (await ConnectionAsync()).CreateChannelAsync();
        try
        {
            while (await probe.BasicGetAsync(queue, autoAck: true) is { } message)
                messages.Add((message.BasicProperties.Headers, withMessageId ? message.BasicProperties.MessageId ?? "" : message.Exchange, message.Body.ToArray()));
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            // No such queue: nothing ever went there.
        }
        return messages;
    }

    private async Task<IConnection> ConnectionAsync()
    {
        await ChannelAsync();
        return connection!;
    }

    private async Task<IChannel> ChannelAsync()
    {
        if (channel is { IsOpen: true }) return channel;
        await reconnecting.WaitAsync();
        try
        {
            while (channel is not { IsOpen: true })
            {
                try
                {
                    if (connection is not { IsOpen: true })
                    {
                        if (connection is not null) await connection.DisposeAsync();
                        connection = await new ConnectionFactory { Uri = uri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
                    }
                    channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
                }
                catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException)
                {
                    await Task.Delay(500); // the broker is restarting
                }
            }
            return channel;
        }
        finally
        {
            reconnecting.Release();
        }
    }

    private async Task ResetAsync(IChannel failed)
    {
        await reconnecting.WaitAsync();
        try
        {
            if (!ReferenceEquals(channel, failed)) return;
            try
            {
                await failed.DisposeAsync();
            }
            catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or IOException)
            {
                // It is already gone.
            }
            channel = null;
        }
        finally
        {
            reconnecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (channel is not null) await channel.DisposeAsync();
        if (connection is not null) await connection.DisposeAsync();
        reconnecting.Dispose();
    }
}
