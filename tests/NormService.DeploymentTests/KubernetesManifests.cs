namespace NormService.DeploymentTests;

/// <summary>One document of a YAML file under deploy/k8s.</summary>
public sealed record Manifest(string File, object Document)
{
    public string Kind => Document.Text("kind") ?? "";

    public string Name => Document.Text("metadata", "name") ?? "";

    public override string ToString() => $"{Kind}/{Name} ({File})";
}

/// <summary>A pod template inside a workload, with the workload it belongs to.</summary>
public sealed record PodTemplate(Manifest Owner, object Template)
{
    public object? Spec => Template.At("spec");

    public IReadOnlyDictionary<string, string> Labels => Template.Strings("metadata", "labels");

    /// <summary>Every container, init containers included.</summary>
    public IEnumerable<object> Containers => Spec.Seq("initContainers").Concat(Spec.Seq("containers"));
}

/// <summary>Every manifest under deploy/k8s, parsed.</summary>
public static class KubernetesManifests
{
    public const string Directory = "deploy/k8s";

    public static IReadOnlyList<string> Files { get; } = System.IO.Directory
        .EnumerateFiles(Repository.PathOf(Directory), "*.*", SearchOption.AllDirectories)
        .Where(path => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
        .Select(path => Path.GetRelativePath(Repository.PathOf(Directory), path).Replace(Path.DirectorySeparatorChar, '/'))
        .Order(StringComparer.Ordinal)
        .ToList();

    public static IReadOnlyList<Manifest> All { get; } = Files
        .SelectMany(file => Yaml.LoadAll(Repository.Read($"{Directory}/{file}")).Select(document => new Manifest(file, document)))
        .ToList();

    public static IEnumerable<Manifest> OfKind(string kind) => All.Where(m => m.Kind == kind);

    public static Manifest Single(string kind)
    {
        var found = OfKind(kind).ToList();
        Assert.True(found.Count == 1, $"Expected exactly one {kind} under {Directory}, found {found.Count}.");
        return found[0];
    }

    /// <summary>The pod templates of every workload kind that runs containers.</summary>
    public static IEnumerable<PodTemplate> PodTemplates() => All.SelectMany(manifest => manifest.Kind switch
    {
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" =>
            manifest.Document.At("spec", "template") is { } template ? [new PodTemplate(manifest, template)] : Array.Empty<PodTemplate>(),
        "CronJob" =>
            manifest.Document.At("spec", "jobTemplate", "spec", "template") is { } template ? [new PodTemplate(manifest, template)] : [],
        "Pod" => [new PodTemplate(manifest, manifest.Document)],
        _ => [],
    });

    /// <summary>Whether every label of the selector is among the labels (an empty selector selects nothing here).</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
