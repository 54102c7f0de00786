using ExchangeNames = NormService.Contracts.ExchangeNames;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace NormService.IntegrationTests.Infrastructure;

/// <summary>An outcome as a subscriber sees it: the exchange, the envelope's message id and the payload.</summary>
public sealed record ReceivedOutcome(string Exchange, Guid MessageId, JsonElement Message)
{
    public string SellerId => Message.GetProperty("sellerId").GetString()!;
    public int Phase => Message.GetProperty("phase").GetInt32();

    /// <summary>Decimals travel as JSON strings (MassTransit's serializer keeps them exact that way).</summary>
    public static decimal Decimal(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? decimal.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : element.GetDecimal();
}

/// <summary>
/// A plain AMQP client (RabbitMQ.Client, not MassTransit), as another team's service would use: publishes
/// bare JSON, listens to the outcome exchanges, reads error queues.
/// </summary>
public sealed class RabbitMqTestClient : IAsyncDisposable
{
    public static readonly string[] OutcomeExchanges =
    [
        ExchangeNames.NormExceeded, ExchangeNames.GroeiStartPhaseExtended,
        ExchangeNames.GroeiStartCompleted, ExchangeNames.GroeiStartProgressReported,
    ];

    private readonly IConnection connection;
    private readonly IChannel channel;
    private readonly ConcurrentQueue<ReceivedOutcome> outcomes = new();

    private RabbitMqTestClient(IConnection connection, IChannel channel)
    {
        this.connection = connection;
        this.channel = channel;
    }

    public IReadOnlyList<ReceivedOutcome> Outcomes => [.. outcomes];

    public static async Task<RabbitMqTestClient> ConnectAsync(Uri uri)
    {
        var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        return new RabbitMqTestClient(connection, channel);
    }

    /// <summary>Binds a queue of this client's own to every outcome exchange and collects what arrives.</summary>
    public async Task ListenToOutcomesAsync()
    {
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        foreach (var exchange in OutcomeExchanges)
        {
            // Same arguments MassTransit declares them with, so whoever comes first wins harmlessly.
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue.QueueName, exchange, "");
        }
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            outcomes.Enqueue(new ReceivedOutcome(delivery.Exchange,
                Guid.Parse(envelope.RootElement.GetProperty("messageId").GetString()!),
                envelope.RootElement.GetProperty("message").Clone()));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
    }

    /// <summary>Publishes a bare JSON body, as a publisher that is not MassTransit does.</summary>
    public Task PublishJsonAsync(string exchange, string json, string contentType = "application/json") =>
        PublishBytesAsync(exchange, Encoding.UTF8.GetBytes(json), contentType);

    /// <summary>Publishes raw bytes (which need not be valid UTF-8).</summary>
    public async Task PublishBytesAsync(string exchange, byte[] body, string contentType = "application/json")
    {
        var properties = new BasicProperties { ContentType = contentType, Persistent = true, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, body);
    }

    /// <summary>Waits for a message in a queue (e.g. an <c>_error</c> queue, which exists only after a first fault) and takes it.</summary>
    public async Task<(string Body, IReadOnlyDictionary<string, string> Headers)> TakeAsync(string queue)
    {
        var message = await Eventually.GetAsync(async () =>
        {
            // A channel of its own: a get from a queue that does not exist yet closes the channel.
            await using var probe = await connection.CreateChannelAsync();
            try
            {
                return await probe.BasicGetAsync(queue, autoAck: true);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return null;
            }
        }, what: $"a message in {queue}");
        var headers = (message.BasicProperties.Headers ?? new Dictionary<string, object?>())
            .ToDictionary(h => h.Key, h => h.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : h.Value?.ToString() ?? "");
        return (Encoding.UTF8.GetString(message.Body.Span), headers);
    }

    public async Task<uint> MessageCountAsync(string queue) => await channel.MessageCountAsync(queue);

    public async Task<IReadOnlyList<ReceivedOutcome>> WaitForOutcomesAsync(Func<IReadOnlyList<ReceivedOutcome>, bool> done, TimeSpan? timeout = null)
    {
        await Eventually.UntilAsync(() => Task.FromResult(done(Outcomes)), timeout, "the expected outcome messages");
        return Outcomes;
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
