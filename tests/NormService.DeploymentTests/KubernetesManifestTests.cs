using System.Globalization;
using System.Text.RegularExpressions;

namespace NormService.DeploymentTests;

/// <summary>The invariants of the Kubernetes manifests under deploy/k8s.</summary>
public partial class KubernetesManifestTests
{
    /// <summary>An environment variable or setting whose name says it holds a secret.</summary>
    [GeneratedRegex(@"PASSWORD|PASSWD|SECRET|TOKEN|ConnectionStrings|(^|_)KEY(_|$)", RegexOptions.IgnoreCase)]
    internal static partial Regex SecretLookingName();

    private static Manifest Deployment => KubernetesManifests.Single("Deployment");

    private static PodTemplate DeploymentPods => KubernetesManifests.PodTemplates().Single(p => p.Owner.Kind == "Deployment");

    private static Manifest MigrationJob =>
        KubernetesManifests.OfKind("Job").SingleOrDefault(j => j.Name == "normservice-db-apply")
        ?? throw new Xunit.Sdk.XunitException("No Job named normservice-db-apply under deploy/k8s.");

    private static PodTemplate MigrationJobPods => KubernetesManifests.PodTemplates().Single(p => p.Owner == MigrationJob);

    [Fact]
    public void The_manifests_hold_the_deployment_and_the_migration_job()
    {
        Assert.NotEmpty(KubernetesManifests.All);
        Assert.Equal("normservice", Deployment.Name);
        Assert.Equal("normservice-db-apply", MigrationJob.Name);
    }

    [Fact]
    public void Every_manifest_is_listed_in_the_kustomization()
    {
        var kustomization = KubernetesManifests.Single("Kustomization");
        var resources = kustomization.Document.Seq("resources").Cast<string>().Order(StringComparer.Ordinal).ToList();
        var manifests = KubernetesManifests.Files.Where(f => f != kustomization.File).ToList();
        Assert.Equal(manifests, resources);
    }

    [Fact]
    public void The_deployment_runs_at_least_two_replicas()
    {
        var replicas = int.Parse(Deployment.Document.Text("spec", "replicas") ?? "1", CultureInfo.InvariantCulture);
        Assert.True(replicas >= 2, $"{Deployment} runs {replicas} replica(s): one node or pod failure would stop the service.");
    }

    [Fact]
    public void Every_container_runs_as_a_non_root_user()
    {
        var pods = KubernetesManifests.PodTemplates().ToList();
        Assert.Contains(pods, p => p.Owner.Kind == "Deployment");
        Assert.Contains(pods, p => p.Owner.Kind == "Job");
        foreach (var pod in pods)
        {
            Assert.NotEmpty(pod.Containers);
            foreach (var container in pod.Containers)
            {
                var name = $"{pod.Owner} container {container.Text("name")}";
                var runAsNonRoot = container.Text("securityContext", "runAsNonRoot") ?? pod.Spec.Text("securityContext", "runAsNonRoot");
                var runAsUser = container.Text("securityContext", "runAsUser") ?? pod.Spec.Text("securityContext", "runAsUser");
                Assert.True(runAsNonRoot == "true", $"{name} does not set runAsNonRoot: true.");
                Assert.True(runAsUser is not null && runAsUser != "0", $"{name} must run as a numeric non-root user, not {runAsUser ?? "the image's default"}.");
            }
        }
    }

    [Fact]
    public void No_container_can_escalate_privileges()
    {
        foreach (var pod in KubernetesManifests.PodTemplates())
        {
            foreach (var container in pod.Containers)
            {
                var name = $"{pod.Owner} container {container.Text("name")}";
                Assert.True(container.IsFalse("securityContext", "allowPrivilegeEscalation"), $"{name} does not set allowPrivilegeEscalation: false.");
                Assert.False(container.IsTrue("securityContext", "privileged"), $"{name} is privileged.");
                Assert.True(container.Seq("securityContext", "capabilities", "drop").Contains("ALL"), $"{name} does not drop ALL capabilities.");
                Assert.Empty(container.Seq("securityContext", "capabilities", "add"));
            }
        }
    }

    [Fact]
    public void Every_container_has_a_read_only_root_filesystem_and_a_writable_tmp()
    {
        foreach (var pod in KubernetesManifests.PodTemplates())
        {
            var emptyDirs = pod.Spec.Seq("volumes").Where(v => v.At("emptyDir") is not null).Select(v => v.Text("name")).ToHashSet();
            foreach (var container in pod.Containers)
            {
                var name = $"{pod.Owner} container {container.Text("name")}";
                Assert.True(container.IsTrue("securityContext", "readOnlyRootFilesystem"), $"{name} does not set readOnlyRootFilesystem: true.");
                Assert.True(container.Seq("volumeMounts").Any(m => m.Text("mountPath") == "/tmp" && emptyDirs.Contains(m.Text("name"))),
                    $"{name} has no emptyDir mounted at /tmp.");
            }
        }
    }

    [Fact]
    public void The_deployment_probes_liveness_and_readiness_on_the_health_endpoints()
    {
        var container = Assert.Single(DeploymentPods.Spec.Seq("containers"));
        Assert.Equal("/health/live", container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal("/health/ready", container.Text("readinessProbe", "httpGet", "path"));
        Assert.NotNull(container.At("startupProbe", "httpGet", "path"));
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            Assert.True(ContainerPort(container, container.Text(probe, "httpGet", "port")) == "8080", $"{probe} does not probe port 8080.");
        }
    }

    [Fact]
    public void The_deployment_listens_on_8080_in_production_with_its_settings_from_the_config_map()
    {
        var container = Assert.Single(DeploymentPods.Spec.Seq("containers"));
        Assert.Contains(container.Seq("ports"), p => p.Text("containerPort") == "8080");
        Assert.Contains(container.Seq("env"), e => e.Text("name") == "ASPNETCORE_ENVIRONMENT" && e.Text("value") == "Production");
        var configMaps = KubernetesManifests.OfKind("ConfigMap").Select(c => c.Name).ToHashSet();
        var referenced = container.Seq("envFrom").Select(e => e.Text("configMapRef", "name")).OfType<string>().ToList();
        Assert.NotEmpty(referenced);
        Assert.All(referenced, name => Assert.Contains(name, configMaps));
    }

    [Fact]
    public void Every_container_has_resource_requests_and_limits()
    {
        foreach (var pod in KubernetesManifests.PodTemplates())
        {
            foreach (var container in pod.Containers)
            {
                foreach (var kind in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        Assert.False(string.IsNullOrWhiteSpace(container.Text("resources", kind, resource)),
                            $"{pod.Owner} container {container.Text("name")} has no {kind}.{resource}.");
                    }
                }
            }
        }
    }

    [Fact]
    public void A_disruption_budget_and_an_autoscaler_target_the_deployment()
    {
        var podLabels = DeploymentPods.Labels;
        var budget = KubernetesManifests.Single("PodDisruptionBudget");
        Assert.True(KubernetesManifests.Selects(budget.Document.Strings("spec", "selector", "matchLabels"), podLabels),
            $"{budget} does not select the labels of {Deployment}'s pods.");
        Assert.True(budget.Document.At("spec", "minAvailable") is not null || budget.Document.At("spec", "maxUnavailable") is not null);

        var autoscaler = KubernetesManifests.Single("HorizontalPodAutoscaler");
        Assert.Equal("autoscaling/v2", autoscaler.Document.Text("apiVersion"));
        Assert.Equal("Deployment", autoscaler.Document.Text("spec", "scaleTargetRef", "kind"));
        Assert.Equal(Deployment.Name, autoscaler.Document.Text("spec", "scaleTargetRef", "name"));
        var min = int.Parse(autoscaler.Document.Text("spec", "minReplicas") ?? "1", CultureInfo.InvariantCulture);
        var max = int.Parse(autoscaler.Document.Text("spec", "maxReplicas") ?? "0", CultureInfo.InvariantCulture);
        Assert.True(min >= 2, $"{autoscaler} may scale down to {min} replica(s).");
        Assert.True(max >= min, $"{autoscaler} has maxReplicas {max} below minReplicas {min}.");
    }

    [Fact]
    public void The_service_and_the_budget_select_the_deployments_pods_but_not_the_migration_jobs()
    {
        var service = KubernetesManifests.Single("Service");
        var budget = KubernetesManifests.Single("PodDisruptionBudget");
        var selectors = new[]
        {
            (Owner: service, Selector: service.Document.Strings("spec", "selector")),
            (Owner: budget, Selector: budget.Document.Strings("spec", "selector", "matchLabels")),
        };
        foreach (var (owner, selector) in selectors)
        {
            Assert.True(KubernetesManifests.Selects(selector, DeploymentPods.Labels), $"{owner} does not select {Deployment}'s pods.");
            Assert.False(KubernetesManifests.Selects(selector, MigrationJobPods.Labels), $"{owner} also selects {MigrationJob}'s pods.");
        }

        var port = Assert.Single(service.Document.Seq("spec", "ports"));
        Assert.Equal("80", port.Text("port"));
        var container = Assert.Single(DeploymentPods.Spec.Seq("containers"));
        Assert.Equal("8080", ContainerPort(container, port.Text("targetPort")));
    }

    [Fact]
    public void The_pods_are_annotated_for_prometheus_scraping()
    {
        var annotations = DeploymentPods.Template.Strings("metadata", "annotations");
        Assert.Equal("true", annotations.GetValueOrDefault("prometheus.io/scrape"));
        Assert.Equal("8080", annotations.GetValueOrDefault("prometheus.io/port"));
        Assert.Equal("/metrics", annotations.GetValueOrDefault("prometheus.io/path"));
    }

    [Fact]
    public void The_migration_job_runs_db_apply_with_the_service_image_and_does_not_restart_in_place()
    {
        var container = Assert.Single(MigrationJobPods.Spec.Seq("containers"));
        var serviceContainer = Assert.Single(DeploymentPods.Spec.Seq("containers"));
        Assert.Equal(serviceContainer.Text("image"), container.Text("image"));
        Assert.Equal(["db-apply"], container.Seq("args").Cast<string>());
        Assert.Null(container.At("command"));
        Assert.Equal("Never", MigrationJobPods.Spec.Text("restartPolicy"));
        Assert.NotNull(MigrationJob.Document.Text("spec", "backoffLimit"));
        var postgres = Assert.Single(container.Seq("env"), e => e.Text("name") == "ConnectionStrings__Postgres");
        Assert.Equal("normservice-secrets", postgres.Text("valueFrom", "secretKeyRef", "name"));
    }

    [Fact]
    public void No_manifest_holds_a_secret_with_values()
    {
        foreach (var secret in KubernetesManifests.OfKind("Secret"))
        {
            Assert.True(secret.Document.Map("data").Count == 0 && secret.Document.Map("stringData").Count == 0,
                $"{secret} holds values: create the Secret with kubectl instead (deploy/README.md).");
        }

        foreach (var kustomization in KubernetesManifests.OfKind("Kustomization"))
        {
            Assert.True(kustomization.Document.At("secretGenerator") is null, $"{kustomization} generates a Secret from files in git.");
        }
    }

    [Fact]
    public void Secret_looking_settings_come_from_a_secret_reference()
    {
        foreach (var pod in KubernetesManifests.PodTemplates())
        {
            foreach (var variable in pod.Containers.SelectMany(c => c.Seq("env")))
            {
                var name = variable.Text("name") ?? "";
                if (!SecretLookingName().IsMatch(name))
                {
                    continue;
                }

                Assert.True(variable.At("value") is null, $"{pod.Owner} sets {name} to a literal value: use valueFrom.secretKeyRef.");
                Assert.True(variable.Text("valueFrom", "secretKeyRef", "name") == "normservice-secrets",
                    $"{pod.Owner} does not take {name} from the Secret normservice-secrets.");
            }
        }

        var deploymentEnv = Assert.Single(DeploymentPods.Spec.Seq("containers")).Seq("env");
        foreach (var name in new[] { "ConnectionStrings__Postgres", "ConnectionStrings__RabbitMq", "NormService__Api__Key" })
        {
            var variable = Assert.Single(deploymentEnv, e => e.Text("name") == name);
            Assert.Equal("normservice-secrets", variable.Text("valueFrom", "secretKeyRef", "name"));
        }

        foreach (var configMap in KubernetesManifests.OfKind("ConfigMap"))
        {
            var secretLooking = configMap.Document.Map("data").Keys.Cast<string>().Where(k => SecretLookingName().IsMatch(k)).ToList();
            Assert.True(secretLooking.Count == 0, $"{configMap} holds {string.Join(", ", secretLooking)}: secrets belong in the Secret.");
        }
    }

    /// <summary>The number of a container port given by number or by name.</summary>
    private static string? ContainerPort(object container, string? port) =>
        port is null || port.All(char.IsAsciiDigit)
            ? port
            : container.Seq("ports").FirstOrDefault(p => p.Text("name") == port).Text("containerPort");
}
