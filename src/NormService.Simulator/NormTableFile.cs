using System.Text.Json;
using NormService.Domain.Norms;

namespace NormService.Simulator;

/// <summary>Reads a <c>yyyy-MM.json</c> norm table file (group → norm, with a <c>default</c>) into the domain's <see cref="NormTable"/>.</summary>
internal static class NormTableFile
{
    public static NormTable Load(string path)
    {
        var norms = JsonSerializer.Deserialize<Dictionary<string, decimal>>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path} holds no norm table.");
        return NormTable.Create(NormMonth.Parse(Path.GetFileNameWithoutExtension(path)), norms);
    }

    /// <summary>The listed product groups (without <c>default</c>), in a stable order.</summary>
    public static IReadOnlyList<string> Groups(this NormTable table) =>
        [.. table.Norms.Keys.Where(k => k != NormTable.DefaultGroup)];
}
