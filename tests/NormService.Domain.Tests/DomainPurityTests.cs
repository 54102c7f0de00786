using NormService.Domain.Sellers;

namespace NormService.Domain.Tests;

public class DomainPurityTests
{
    [Fact]
    public void The_domain_references_nothing_but_the_base_library()
    {
        var references = typeof(SellerState).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
            $"NormService.Domain references {name}: the domain must stay free of infrastructure."));
    }
}
