using System.Text.RegularExpressions;

namespace NormService.DeploymentTests;

/// <summary>The invariants of deploy/Dockerfile's final (runtime) stage.</summary>
public partial class DockerfileTests
{
    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex LineContinuation();

    /// <summary>The instructions of the final stage, from its FROM on, continuation lines joined, comments dropped.</summary>
    private static IReadOnlyList<(string Instruction, string Arguments)> FinalStage()
    {
        var instructions = LineContinuation().Replace(Repository.Read("deploy/Dockerfile"), " ")
            .Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries))
            .Select(parts => (Instruction: parts[0].ToUpperInvariant(), Arguments: parts.Length > 1 ? parts[1].Trim() : ""))
            .ToList();
        var from = instructions.FindLastIndex(i => i.Instruction == "FROM");
        Assert.True(from >= 0, "deploy/Dockerfile has no FROM.");
        return instructions[from..];
    }

    [Fact]
    public void The_final_image_stage_is_the_aspnet_runtime_not_the_sdk()
    {
        var image = FinalStage()[0].Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .First(argument => !argument.StartsWith("--", StringComparison.Ordinal));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", image, StringComparison.Ordinal);
        Assert.DoesNotContain("sdk", image, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_final_image_stage_runs_as_a_non_root_user()
    {
        var users = FinalStage().Where(i => i.Instruction == "USER").ToList();
        Assert.True(users.Count > 0, "The final stage of deploy/Dockerfile has no USER: the container would run as root.");
        var user = users[^1].Arguments.Split(':')[0];
        Assert.True(user is not ("root" or "0" or ""), $"The final stage of deploy/Dockerfile runs as {user}.");
    }
}
