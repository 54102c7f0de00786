using System.Text.RegularExpressions;

namespace NormService.DeploymentTests;

/// <summary>The invariants of docker-compose.yml at the repository root.</summary>
public partial class ComposeTests
{
    private static readonly object Compose = Assert.Single(Yaml.LoadAll(Repository.Read("docker-compose.yml")));

    /// <summary>A value that is only a compose variable reference: <c>${NAME}</c>, <c>${NAME:?message}</c>, <c>${NAME:-default}</c>.</summary>
    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*([:?\-+][^}]*)?\}$")]
    private static partial Regex VariableReference();

    /// <summary>A password inside a value: <c>Password=…</c> (up to <c>;</c>) or the password of a URI's user info.</summary>
    [GeneratedRegex(@"(?:(?:^|;)\s*(?:Password|Pwd)\s*=\s*(?<password>[^;]*))|(?:://[^:/@\s]+:(?<password>[^@\s]*)@)", RegexOptions.IgnoreCase)]
    private static partial Regex EmbeddedPassword();

    [GeneratedRegex(@"PASSWORD|PASSWD|_PASS$|SECRET|TOKEN|ConnectionStrings|(^|_)KEY(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLookingName();

    private static IEnumerable<(string Service, string Name, string Value)> EnvironmentVariables() =>
        Compose.Map("services").SelectMany(service => Environment(service.Value).Select(pair => ((string)service.Key, pair.Name, pair.Value)));

    /// <summary>A service's environment, written either as a mapping or as a list of NAME=value.</summary>
    private static IEnumerable<(string Name, string Value)> Environment(object service) =>
        service.At("environment") switch
        {
            IDictionary<object, object> mapping => mapping.Select(pair => ((string)pair.Key, pair.Value as string ?? "")),
            IList<object> list => list.OfType<string>().Select(entry => entry.Split('=', 2)).Select(parts => (parts[0], parts.Length > 1 ? parts[1] : "")),
            _ => [],
        };

    [Fact]
    public void No_compose_service_has_a_literal_password()
    {
        var variables = EnvironmentVariables().ToList();
        Assert.Contains(variables, v => v.Name == "POSTGRES_PASSWORD");
        Assert.Contains(variables, v => v.Name == "RABBITMQ_DEFAULT_PASS");
        foreach (var (service, name, value) in variables)
        {
            if (SecretLookingName().IsMatch(name))
            {
                Assert.True(value.Contains("${", StringComparison.Ordinal), $"{service}: {name} is a literal; reference a ${{VAR}} from .env.");
            }

            foreach (Match match in EmbeddedPassword().Matches(value))
            {
                var password = match.Groups["password"].Value.Trim();
                Assert.True(VariableReference().IsMatch(password), $"{service}: {name} holds the literal password '{password}'; reference a ${{VAR}} from .env.");
            }
        }
    }

    [Fact]
    public void The_service_starts_only_once_its_infrastructure_is_healthy()
    {
        var services = Compose.Map("services");
        var normservice = services["normservice"];
        var dependsOn = normservice.Map("depends_on");
        Assert.Contains("postgres", dependsOn.Keys);
        Assert.Contains("rabbitmq", dependsOn.Keys);
        foreach (var (dependency, condition) in dependsOn.Select(d => ((string)d.Key, d.Value.Text("condition"))))
        {
            Assert.True(condition is "service_healthy" or "service_completed_successfully",
                $"normservice starts without waiting for {dependency} (condition: {condition ?? "none"}).");
            if (condition == "service_healthy")
            {
                Assert.True(services[dependency].At("healthcheck", "test") is not null, $"{dependency} has no healthcheck to wait for.");
            }
        }
    }

    [Fact]
    public void The_service_is_built_from_the_deploy_dockerfile()
    {
        var build = Compose.Map("services")["normservice"].At("build");
        Assert.Equal("deploy/Dockerfile", build.Text("dockerfile"));
    }
}
