using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Tests.Unit;

/// <summary>Which failures answer 503 (retry) rather than 500: those of the cluster, not of the request.</summary>
[Trait("Category", "Unit")]
public sealed class TransientFailureTests
{
    public static TheoryData<Exception> Transient => new()
    {
        new TimeoutException(),
        new ChangeNotStoredException("not stored"),
        new Orleans.Runtime.SiloUnavailableException(),
        // What a caller sees of an activation Orleans cancelled after its activation timeout.
        new TaskCanceledException(),
        new OperationCanceledException(),
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void Failures_of_the_cluster_are_transient(Exception error) => Assert.True(ErrorHandling.IsTransient(error));

    [Fact]
    public void A_bug_is_not() => Assert.False(ErrorHandling.IsTransient(new InvalidOperationException()));
}
