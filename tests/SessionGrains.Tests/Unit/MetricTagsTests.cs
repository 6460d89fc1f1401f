using SessionGrains.Grains.Telemetry;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// Metric tags speak the contract's words: an end reason or a validate reason is tagged as the API
/// spells it, for every value of the enum, so a new value cannot be left without a tag or given
/// another spelling; sign-in results are <c>created</c> or the refusing error code.
/// </summary>
[Trait("Category", "Unit")]
public sealed class MetricTagsTests
{
    [Fact]
    public void Every_end_reason_is_tagged_with_its_wire_name()
    {
        Assert.All(Enum.GetValues<EndReason>(), reason => Assert.Equal(reason.Name(), MetricTags.Of(reason)));
        Assert.Equal(Enum.GetValues<EndReason>().Length, MetricTags.EndReasonValues.Distinct().Count());
    }

    [Fact]
    public void Every_validation_result_is_active_or_the_wire_name_of_its_reason()
    {
        Assert.Equal("active", MetricTags.Of((InactiveReason?)null));
        Assert.All(Enum.GetValues<InactiveReason>(), reason => Assert.Equal(reason.Name(), MetricTags.Of((InactiveReason?)reason)));
    }

    [Fact]
    public void Every_sign_in_result_is_created_or_its_error_code()
    {
        Assert.Equal("created", MetricTags.Of((SignInError?)null));
        Assert.Equal("user_denylisted", MetricTags.Of((SignInError?)SignInError.UserDenylisted));
        Assert.Equal("session_limit_reached", MetricTags.Of((SignInError?)SignInError.SessionLimitReached));
        Assert.All(Enum.GetValues<SignInError>(), error => Assert.NotEqual("created", MetricTags.Of((SignInError?)error)));
    }
}
