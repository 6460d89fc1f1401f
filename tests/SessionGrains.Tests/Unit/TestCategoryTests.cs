using System.Reflection;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// Every test class is in exactly one category, so <c>dotnet test --filter Category=Unit</c>,
/// <c>--filter Category=Cluster</c> and <c>--filter Category=Browser</c> each run alone and
/// together run the whole suite. Unit tests live in Unit/ and need nothing started or stored: no
/// silo, cluster, HTTP host or database (neither a SQLite file nor the PostgreSQL server). Browser
/// tests live in Console/ and drive the web console in Chromium. Every other test is a Cluster test.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TestCategoryTests
{
    private const string Category = "Category";
    private const string Unit = "Unit";
    private const string Cluster = "Cluster";
    private const string Browser = "Browser";

    /// <summary>The classes xunit runs tests of: concrete, with a fact or theory of their own or inherited.</summary>
    private static readonly Type[] TestClasses = typeof(TestCategoryTests).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.IsDefined(typeof(FactAttribute), inherit: true)))
        .ToArray();

    [Fact]
    public void Every_test_class_carries_exactly_one_category_of_its_own()
    {
        Assert.Contains(typeof(TestCategoryTests), TestClasses);

        // Declared on the class itself, where xunit certainly reads it, not only on a base class.
        var wrong = TestClasses
            .Where(t => CategoriesOf(t) is not [Unit] and not [Cluster] and not [Browser])
            .Select(t => $"{t.FullName}: [{string.Join(", ", CategoriesOf(t))}]")
            .ToList();

        Assert.True(wrong.Count == 0,
            $"Give each test class [Trait(\"{Category}\", \"{Unit}\")], [Trait(\"{Category}\", \"{Cluster}\")] or [Trait(\"{Category}\", \"{Browser}\")]:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public void No_test_method_has_a_category_of_its_own()
    {
        // A method's trait adds to its class's, and would put the test in both filters.
        var wrong = TestClasses
            .SelectMany(t => t.GetMethods().Where(m => CategoriesOf(m).Length > 0).Select(m => $"{t.FullName}.{m.Name}"))
            .ToList();

        Assert.True(wrong.Count == 0, $"Categories belong on classes:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public void Browser_tests_are_those_in_Console()
    {
        var consoleNamespace = typeof(TestCategoryTests).Namespace![..^".Unit".Length] + ".Console";
        var wrong = TestClasses
            .Where(t => (CategoriesOf(t) is [Browser]) != (t.Namespace == consoleNamespace))
            .Select(t => $"{t.FullName} is [{string.Join(", ", CategoriesOf(t))}] and lives in {t.Namespace}")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Unit_tests_are_those_in_Unit_and_take_no_fixture()
    {
        var unitNamespace = typeof(TestCategoryTests).Namespace;
        var wrong = new List<string>();
        foreach (var type in TestClasses)
        {
            var isUnit = CategoriesOf(type) is [Unit];
            if (isUnit != (type.Namespace == unitNamespace))
            {
                wrong.Add($"{type.FullName} is {(isUnit ? Unit : Cluster)} but lives in {type.Namespace}");
            }

            // A fixture is how a test gets a silo, a cluster or a database.
            var takesFixture = type.GetConstructors().Any(c => c.GetParameters().Length > 0)
                || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>))
                || type.IsDefined(typeof(CollectionAttribute), inherit: true);
            if (isUnit && takesFixture)
            {
                wrong.Add($"{type.FullName} is {Unit} but takes a fixture");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static string[] CategoriesOf(MemberInfo member) => member.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(TraitAttribute) && Equals(a.ConstructorArguments[0].Value, Category))
        .Select(a => (string)a.ConstructorArguments[1].Value!)
        .ToArray();
}
