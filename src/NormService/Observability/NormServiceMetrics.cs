using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NormService.Observability;

/// <summary>The service's own metrics and trace source (names as exported; Prometheus adds units and _total).</summary>
public sealed class NormServiceMetrics
{
    public const string MeterName = "NormService";
    public const string BatchSizeInstrument = "normservice.batch.size";
    public static readonly ActivitySource ActivitySource = new("NormService");

    private readonly Counter<long> consumed;
    private readonly Counter<long> duplicates;
    private readonly Counter<long> phasesClosed;
    private readonly Histogram<double> publishLag;
    private readonly Histogram<double> processingTime;
    private readonly Histogram<int> batchSize;

    public NormServiceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        consumed = meter.CreateCounter<long>("normservice.messages.consumed", description: "Inbound messages processed, by message type.");
        duplicates = meter.CreateCounter<long>("normservice.duplicates.dropped", description: "Orders and queries seen before, acknowledged without effect.");
        phasesClosed = meter.CreateCounter<long>("normservice.phases.closed", description: "GroeiStart phases closed, by verdict.");
        publishLag = meter.CreateHistogram<double>("normservice.outcome.publish_lag", unit: "s", description: "From an outcome's commit to its publication on RabbitMQ.");
        processingTime = meter.CreateHistogram<double>("normservice.consumer.processing_time", unit: "ms", description: "Time to process one inbound message.");
        batchSize = meter.CreateHistogram<int>(BatchSizeInstrument, unit: "{command}", description: "Commands written in one transaction.");
    }

    public void Consumed(string messageType, double milliseconds)
    {
        consumed.Add(1, new KeyValuePair<string, object?>("message_type", messageType));
        processingTime.Record(milliseconds, new KeyValuePair<string, object?>("message_type", messageType));
    }

    public void DuplicateDropped(string messageType) => duplicates.Add(1, new KeyValuePair<string, object?>("message_type", messageType));

    public void PhaseClosed(string verdict) => phasesClosed.Add(1, new KeyValuePair<string, object?>("verdict", verdict));

    public void BatchWritten(int commands) => batchSize.Record(commands);

    public void OutcomePublished(TimeSpan lag) => publishLag.Record(Math.Max(0, lag.TotalSeconds));
}
