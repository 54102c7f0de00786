using System.CommandLine;
using NormService.Simulator;

const string FallbackRabbitMq = "amqp://guest:guest@127.0.0.1:55672/";

var rabbitmq = new Option<string>("--rabbitmq")
{
    Description = "AMQP URI of NormService's RabbitMQ (default: $ConnectionStrings__RabbitMq, else " + FallbackRabbitMq + ")",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") is { Length: > 0 } uri ? uri : FallbackRabbitMq,
};
var sellers = new Option<int>("--sellers") { Description = "Number of sellers", DefaultValueFactory = _ => 20 };
var ordersPerSeller = new Option<int>("--orders-per-seller") { Description = "Orders per seller (100 = one GroeiStart phase)", DefaultValueFactory = _ => 100 };
var exceedShare = new Option<double>("--exceed-share") { Description = "Fraction of sellers built to exceed their norm", DefaultValueFactory = _ => 0.3 };
var duplicates = new Option<double>("--duplicates") { Description = "Fraction of messages published twice", DefaultValueFactory = _ => 0 };
var shuffle = new Option<bool>("--shuffle") { Description = "Deliver each seller's messages out of order" };
var rate = new Option<double>("--rate") { Description = "Messages per second (0 = as fast as possible)", DefaultValueFactory = _ => 0 };
var seed = new Option<int?>("--seed") { Description = "Seed of the generated traffic (default: random, printed)" };
var wait = new Option<int>("--wait") { Description = "Seconds to keep listening for outcomes after publishing", DefaultValueFactory = _ => 60 };
var norms = new Option<string>("--norms")
{
    Description = "Norm table used to compute the intended verdicts",
    DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "norm-tables", "2026-12.json"),
};

AddRange(sellers, 0, int.MaxValue);
AddRange(ordersPerSeller, 1, int.MaxValue);
AddRange(exceedShare, 0, 1);
AddRange(duplicates, 0, 1);
AddRange(rate, 0, double.MaxValue);
AddRange(wait, 0, int.MaxValue);

var root = new RootCommand("Publishes realistic OrderPlaced/CustomerQueryRaised traffic to NormService and prints the GroeiStart outcomes.")
{
    rabbitmq, sellers, ordersPerSeller, exceedShare, duplicates, shuffle, rate, seed, wait, norms,
};
root.SetAction((parse, cancellationToken) =>
{
#pragma warning disable CA5394 // A seed for simulation traffic, not security.
    var settings = new SimulatorSettings
    {
        RabbitMq = new Uri(parse.GetValue(rabbitmq)!),
        Rate = parse.GetValue(rate),
        Wait = TimeSpan.FromSeconds(parse.GetValue(wait)),
        NormsPath = parse.GetValue(norms)!,
        Traffic = new TrafficOptions
        {
            Sellers = parse.GetValue(sellers),
            OrdersPerSeller = parse.GetValue(ordersPerSeller),
            ExceedShare = parse.GetValue(exceedShare),
            Duplicates = parse.GetValue(duplicates),
            Shuffle = parse.GetValue(shuffle),
            Seed = parse.GetValue(seed) ?? Random.Shared.Next(1, 1_000_000),
            Now = DateTimeOffset.UtcNow,
        },
    };
#pragma warning restore CA5394
    return SimulatorRun.RunAsync(settings, cancellationToken);
});

return await root.Parse(args).InvokeAsync();

static void AddRange<T>(Option<T> option, T min, T max)
    where T : IComparable<T> =>
    option.Validators.Add(result =>
    {
        var value = result.GetValue(option);
        if (value is not null && (value.CompareTo(min) < 0 || value.CompareTo(max) > 0))
        {
            result.AddError($"{option.Name} must be between {min} and {max}.");
        }
    });
