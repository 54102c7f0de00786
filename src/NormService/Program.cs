using System.Text.Json;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NormService.Infrastructure;
using NormService.Norms;
using NormService.Performance;
using Serilog;
using Serilog.Formatting.Compact;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, logger) =>
{
    logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
    // People read Development logs; machines read the others.
    if (builder.Environment.IsDevelopment())
        logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}");
    else logger.WriteTo.Console(new RenderedCompactJsonFormatter());
});
builder.Services.AddNormService(builder.Configuration, builder.Environment);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
{
    document.Info.Title = "NormService";
    document.Info.Description = "Seller performance, monthly norm tables and the norm calculator. Writes need the X-Api-Key header.";
    return Task.CompletedTask;
}));

var app = builder.Build();

if (args is ["db-apply", ..])
{
    // The explicit schema step for Production (AutoCreate.None there): apply, report, exit.
    await app.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
    await Console.Out.WriteLineAsync($"Marten schema '{app.Services.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName}' applied.");
    return 0;
}

// Every error, including a body that cannot be read, is an RFC 9457 problem details response.
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSerilogRequestLogging();
app.MapOpenApi();
app.UseSwaggerUI(ui =>
{
    ui.SwaggerEndpoint("/openapi/v1.json", "NormService");
    ui.RoutePrefix = "docs";
});
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }); // the process answers
// Ready: this replica can do its work. A degraded bus means its receive endpoints are not connected
// (the broker is away), so Degraded is not ready either.
app.MapHealthChecks("/health/ready", HealthReport("ready"));
// Forwarding: outcome publication keeps up (one replica runs it). For alerting, not for routing traffic:
// a lagging forwarder is no reason to take every replica out of service.
app.MapHealthChecks("/health/forwarding", HealthReport("forwarding"));
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapNormTables();
app.MapNormCalculator();
app.MapSellerPerformance();
await app.RunAsync();
return 0;

static HealthCheckOptions HealthReport(string tag) => new()
{
    Predicate = check => check.Tags.Contains(tag),
    ResultStatusCodes = { [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable, [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
    ResponseWriter = (context, report) =>
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        }));
    },
};

/// <summary>The entry point, visible to the integration tests' host factory.</summary>
public partial class Program;
