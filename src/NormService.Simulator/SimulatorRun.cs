using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using MassTransit;
using NormService.Contracts;
using Spectre.Console;

namespace NormService.Simulator;

internal sealed record SimulatorSettings
{
    public required Uri RabbitMq { get; init; }
    public required TrafficOptions Traffic { get; init; }
    public double Rate { get; init; }
    public TimeSpan Wait { get; init; }
    public required string NormsPath { get; init; }
}

/// <summary>One outcome NormService published about a simulated seller.</summary>
internal sealed record Outcome(string Type, string SellerId, int Phase, string Verdict, int? Queries, decimal? Allowed, decimal? Norm);

internal static class SimulatorRun
{
    /// <summary>Orders per GroeiStart phase (the service's default): sellers with fewer get no verdict.</summary>
    private const int PhaseSize = 100;

    // The service's exchanges (the simulator references only the contracts, not the host).
    private static void ConfigureTopology(IBusFactoryConfigurator cfg)
    {
        cfg.Message<OrderPlaced>(m => m.SetEntityName(ExchangeNames.OrderPlaced));
        cfg.Message<CustomerQueryRaised>(m => m.SetEntityName(ExchangeNames.CustomerQueryRaised));
        cfg.Message<NormExceeded>(m => m.SetEntityName(ExchangeNames.NormExceeded));
        cfg.Message<GroeiStartPhaseExtended>(m => m.SetEntityName(ExchangeNames.GroeiStartPhaseExtended));
        cfg.Message<GroeiStartCompleted>(m => m.SetEntityName(ExchangeNames.GroeiStartCompleted));
        cfg.Message<GroeiStartProgressReported>(m => m.SetEntityName(ExchangeNames.GroeiStartProgressReported));
    }

    public static async Task<int> RunAsync(SimulatorSettings settings, CancellationToken cancellationToken)
    {
        var table = NormTableFile.Load(settings.NormsPath);
        var traffic = TrafficGenerator.Generate(settings.Traffic, table);
        var plans = traffic.Sellers.ToDictionary(p => p.SellerId);
        AnsiConsole.MarkupLine(
            $"[bold]NormService simulator[/]: seed [yellow]{settings.Traffic.Seed}[/], {traffic.Sellers.Count} sellers " +
            $"({traffic.Sellers.Count(p => p.IntendedToExceed)} built to exceed), {traffic.Messages.Count} messages " +
            $"({traffic.Messages.Count(m => m.IsDuplicate)} duplicates{(settings.Traffic.Shuffle ? ", shuffled" : "")}), " +
            $"RabbitMQ [blue]{Markup.Escape(Redact(settings.RabbitMq))}[/]");

        var outcomes = Channel.CreateUnbounded<Outcome>();
        var seen = new ConcurrentDictionary<Guid, byte>();
        void Receive<T>(ConsumeContext<T> context, Outcome outcome)
            where T : class
        {
            // Outcomes are dropped as duplicates by message id; other sellers' outcomes are not ours.
            if (plans.ContainsKey(outcome.SellerId) && (context.MessageId is not { } id || seen.TryAdd(id, 0)))
            {
                outcomes.Writer.TryWrite(outcome);
            }
        }

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(settings.RabbitMq);
            ConfigureTopology(cfg);
            cfg.ReceiveEndpoint(new TemporaryEndpointDefinition("normservice-simulator"), e =>
            {
                static Outcome Verdict(string kind, string sellerId, int phase, string what, PhaseCalculation calculation) =>
                    new(kind, sellerId, phase, what, calculation.Queries, calculation.Norm.AllowedQueries, calculation.Norm.PersonalNorm);
                e.Handler<NormExceeded>(c =>
                {
                    Receive(c, Verdict(nameof(NormExceeded), c.Message.SellerId, c.Message.Phase, "exceeded", c.Message.Calculation));
                    return Task.CompletedTask;
                });
                e.Handler<GroeiStartPhaseExtended>(c =>
                {
                    Receive(c, Verdict(nameof(GroeiStartPhaseExtended), c.Message.SellerId, c.Message.Phase, $"extended to {c.Message.NextPhase}", c.Message.Calculation));
                    return Task.CompletedTask;
                });
                e.Handler<GroeiStartCompleted>(c =>
                {
                    Receive(c, Verdict(nameof(GroeiStartCompleted), c.Message.SellerId, c.Message.Phase, "completed", c.Message.Calculation));
                    return Task.CompletedTask;
                });
                e.Handler<GroeiStartProgressReported>(c =>
                {
                    Receive(c, new Outcome(nameof(GroeiStartProgressReported), c.Message.SellerId, c.Message.Phase, $"{c.Message.Orders} orders",
                        c.Message.Queries, c.Message.Norm?.AllowedQueries, c.Message.Norm?.PersonalNorm));
                    return Task.CompletedTask;
                });
            });
        });

        using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startTimeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await bus.StartAsync(startTimeout.Token);
        }
        catch (Exception ex) when (ex is RabbitMqConnectionException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine($"[red]Cannot connect to RabbitMQ at {Markup.Escape(Redact(settings.RabbitMq))}:[/] {Markup.Escape(ex.Message)}");
            return 2;
        }

        try
        {
            var published = await PublishAsync(bus, traffic.Messages, settings.Rate, cancellationToken);
            var received = await CollectAsync(outcomes.Reader, traffic, settings.Wait, cancellationToken);
            PrintSummary(traffic, published, received);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
            return 130;
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> PublishAsync(IBus bus, IReadOnlyList<TrafficMessage> messages, double rate, CancellationToken cancellationToken)
    {
        var published = 0;
        var clock = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Publishing messages", maxValue: messages.Count);
                foreach (var message in messages)
                {
                    if (rate > 0)
                    {
                        var due = TimeSpan.FromSeconds(published / rate) - clock.Elapsed;
                        if (due > TimeSpan.Zero)
                        {
                            await Task.Delay(due, cancellationToken);
                        }
                    }

                    switch (message.Message)
                    {
                        case OrderPlaced order:
                            await bus.Publish(order, cancellationToken);
                            break;
                        case CustomerQueryRaised query:
                            await bus.Publish(query, cancellationToken);
                            break;
                        default:
                            throw new InvalidOperationException($"Unexpected message {message.Message.GetType().Name}.");
                    }

                    published++;
                    task.Increment(1);
                }
            });
        AnsiConsole.MarkupLine($"Published [green]{published}[/] messages in {clock.Elapsed.TotalSeconds:0.0}s.");
        return published;
    }

    /// <summary>Prints outcomes as they arrive, until every seller with a full phase has its phase-1 verdict or the wait is over.</summary>
    private static async Task<List<Outcome>> CollectAsync(ChannelReader<Outcome> reader, Traffic traffic, TimeSpan wait, CancellationToken cancellationToken)
    {
        var expecting = traffic.Sellers.Where(p => p.Orders >= PhaseSize).Select(p => p.SellerId).ToHashSet();
        var received = new List<Outcome>();
        AnsiConsole.MarkupLine($"Listening for outcomes for up to {wait.TotalSeconds:0}s ({expecting.Count} sellers expect a phase-1 verdict)…");
        AnsiConsole.Write(new Rule());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        var plans = traffic.Sellers.ToDictionary(p => p.SellerId);
        try
        {
            while (expecting.Count > 0 && await reader.WaitToReadAsync(timeout.Token))
            {
                while (reader.TryRead(out var outcome))
                {
                    received.Add(outcome);
                    PrintOutcome(outcome, plans[outcome.SellerId]);
                    if (outcome.Phase == 1 && outcome.Type is nameof(GroeiStartCompleted) or nameof(GroeiStartPhaseExtended))
                    {
                        expecting.Remove(outcome.SellerId);
                    }
                }
            }

            // Pick up what arrived together with the last verdict.
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            while (reader.TryRead(out var outcome))
            {
                received.Add(outcome);
                PrintOutcome(outcome, plans[outcome.SellerId]);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine($"[yellow]Stopped waiting after {wait.TotalSeconds:0}s; {expecting.Count} sellers have no verdict yet.[/]");
        }

        AnsiConsole.Write(new Rule());
        return received;
    }

    private static void PrintOutcome(Outcome outcome, SellerPlan plan)
    {
        var colour = outcome.Type switch
        {
            nameof(NormExceeded) => "red",
            nameof(GroeiStartPhaseExtended) => "darkorange",
            nameof(GroeiStartCompleted) => "green",
            _ => "grey",
        };
        var q = outcome.Queries?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var a = outcome.Allowed is { } allowed ? allowed.ToString("0.##", CultureInfo.InvariantCulture) : "?";
        var p = outcome.Norm is { } norm ? norm.ToString("0.###%", CultureInfo.InvariantCulture) : "?";
        var intent = plan.IntendedToExceed ? "exceed" : "pass";
        var check = outcome.Type switch
        {
            nameof(NormExceeded) => plan.IntendedToExceed ? " [green]✓[/]" : " [red]✗[/]",
            nameof(GroeiStartCompleted) => plan.IntendedToExceed ? " [red]✗[/]" : " [green]✓[/]",
            _ => "",
        };
        var label = outcome.Type switch
        {
            nameof(NormExceeded) => "NormExceeded",
            nameof(GroeiStartPhaseExtended) => "PhaseExtended",
            nameof(GroeiStartCompleted) => "Completed",
            _ => "Progress",
        };
        AnsiConsole.MarkupLine(
            $"[{colour}]{label,-13}[/] {Markup.Escape(outcome.SellerId),-12} ph {outcome.Phase} " +
            $"[{colour}]{Markup.Escape(outcome.Verdict),-13}[/] Q {q,2} vs A {a,-5} P {p,-7} [dim]({intent})[/]{check}");
    }

    private static void PrintSummary(Traffic traffic, int published, List<Outcome> received)
    {
        var verdicts = received.Where(o => o.Phase == 1 && o.Type is nameof(NormExceeded) or nameof(GroeiStartCompleted))
            .GroupBy(o => o.SellerId)
            .ToDictionary(g => g.Key, g => g.First().Type == nameof(NormExceeded));

        var summary = new Table().Title("[bold]Summary[/]").AddColumn("what").AddColumn(new TableColumn("count").RightAligned());
        summary.AddRow("sellers", traffic.Sellers.Count.ToString(CultureInfo.InvariantCulture));
        summary.AddRow("messages published", $"{published} ({traffic.Messages.Count(m => m.IsOrder)} orders, {traffic.Messages.Count(m => !m.IsOrder)} queries, incl. {traffic.Messages.Count(m => m.IsDuplicate)} duplicates)");
        foreach (var type in new[] { nameof(GroeiStartProgressReported), nameof(NormExceeded), nameof(GroeiStartPhaseExtended), nameof(GroeiStartCompleted) })
        {
            summary.AddRow($"outcomes: {type}", received.Count(o => o.Type == type).ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(summary);

        var intentTable = new Table().Title("[bold]Phase-1 verdicts vs intent[/]")
            .AddColumn("intended").AddColumn(new TableColumn("sellers").RightAligned())
            .AddColumn(new TableColumn("exceeded").RightAligned()).AddColumn(new TableColumn("completed").RightAligned())
            .AddColumn(new TableColumn("no verdict").RightAligned());
        var mismatches = 0;
        foreach (var intendedExceed in new[] { true, false })
        {
            var group = traffic.Sellers.Where(p => p.IntendedToExceed == intendedExceed).ToList();
            var exceeded = group.Count(p => verdicts.TryGetValue(p.SellerId, out var x) && x);
            var completed = group.Count(p => verdicts.TryGetValue(p.SellerId, out var x) && !x);
            mismatches += intendedExceed ? completed : exceeded;
            intentTable.AddRow(
                intendedExceed ? "exceed" : "pass",
                group.Count.ToString(CultureInfo.InvariantCulture),
                exceeded.ToString(CultureInfo.InvariantCulture),
                completed.ToString(CultureInfo.InvariantCulture),
                (group.Count - exceeded - completed).ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(intentTable);
        var missing = traffic.Sellers.Count - verdicts.Count;
        AnsiConsole.MarkupLine(mismatches == 0 && missing == 0
            ? "[green]Every seller's verdict matches the intent.[/]"
            : $"[yellow]{mismatches} verdicts differ from the intent; {missing} sellers have no verdict.[/]");
    }

    private static string Redact(Uri uri) =>
        string.IsNullOrEmpty(uri.UserInfo) ? uri.ToString() : uri.ToString().Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal);
}
