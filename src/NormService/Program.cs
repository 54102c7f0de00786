using NormService.Infrastructure;
using NormService.Norms;
using NormService.Performance;
using Serilog;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, logger) => logger
    .ReadFrom.Configuration(builder.Configuration)
    .ReadFrom.Services(services)
    .Enrich.FromLogContext());
builder.Services.AddNormService(builder.Configuration, builder.Environment);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
{
    document.Info.Title = "NormService";
    document.Info.Description = "Seller performance, monthly norm tables and the norm calculator. Writes need the X-Api-Key header.";
    return Task.CompletedTask;
}));

var app = builder.Build();
// Every error, including a body that cannot be read, is an RFC 9457 problem details response.
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.UseSwaggerUI(ui =>
{
    ui.SwaggerEndpoint("/openapi/v1.json", "NormService");
    ui.RoutePrefix = "docs";
});
app.MapGet("/health/live", () => Results.Ok(new { status = "live" })).ExcludeFromDescription();
app.MapNormTables();
app.MapNormCalculator();
app.MapSellerPerformance();
await app.RunAsync();

/// <summary>The entry point, visible to the integration tests' host factory.</summary>
public partial class Program;
