using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace NormService.DeploymentTests;

/// <summary>
/// YAML loaded as plain values: mappings are dictionaries, sequences lists, scalars strings (untyped, so
/// <c>true</c> is the string "true"). Navigation returns null for anything missing.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every document in the text (a manifest file may hold several, separated by <c>---</c>).</summary>
    public static IReadOnlyList<object> LoadAll(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        var documents = new List<object>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object>(parser) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    /// <summary>The value at the path of mapping keys, or null.</summary>
    public static object? At(this object? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not IDictionary<object, object> mapping || !mapping.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string? Text(this object? node, params string[] path) => node.At(path) as string;

    public static IDictionary<object, object> Map(this object? node, params string[] path) =>
        node.At(path) as IDictionary<object, object> ?? new Dictionary<object, object>();

    public static IReadOnlyList<object> Seq(this object? node, params string[] path) =>
        node.At(path) as IReadOnlyList<object> ?? (node.At(path) as IList<object>)?.ToList() ?? [];

    /// <summary>A mapping of scalars as string pairs (labels, selectors, annotations).</summary>
    public static IReadOnlyDictionary<string, string> Strings(this object? node, params string[] path) =>
        node.Map(path).ToDictionary(pair => (string)pair.Key, pair => pair.Value as string ?? "", StringComparer.Ordinal);

    public static bool IsTrue(this object? node, params string[] path) =>
        string.Equals(node.Text(path), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsFalse(this object? node, params string[] path) =>
        string.Equals(node.Text(path), "false", StringComparison.OrdinalIgnoreCase);
}
