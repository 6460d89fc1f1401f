using SessionGrains.Grains.Security;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Users;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A sign-in racing a denylist of the same user cannot survive it: the user grain orders the two,
/// so each sign-in either finishes first (and the denylist ends it) or is refused.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class DenylistRaceGrainTests(GrainClusterFixture fixture)
{
    private const int SignInsPerSide = 15;

    private readonly TenantDriver _tenant = new(fixture.Grains, TestData.Id("t"), 4);

    [Fact]
    public async Task No_session_from_sign_ins_racing_a_denylist_stays_active()
    {
        await _tenant.CreateAsync();
        int issuedInAll = 0, refusedInAll = 0;
        for (var round = 0; round < 5; round++)
        {
            var userId = $"racer-{round}";
            var user = _tenant.User(userId);
            var signIn = TestData.SignIn(userId);

            // Sign-ins started on both sides of the denylist call, all in flight together.
            var before = Enumerable.Range(0, SignInsPerSide).Select(_ => user.SignIn(Secrets.NewSessionId(), signIn)).ToList();
            var denylist = user.Denylist("race");
            var after = Enumerable.Range(0, SignInsPerSide).Select(_ => user.SignIn(Secrets.NewSessionId(), signIn)).ToList();
            var results = await Task.WhenAll(before.Concat(after));
            var ended = await denylist;

            Assert.All(results, r => Assert.True(r.Tokens is not null ^ r.Error == SignInError.UserDenylisted));
            var issued = results.Where(r => r.Tokens is not null).Select(r => r.Tokens!).ToList();
            // Every session that got tokens was opened before the denylist ran, so it was ended by it.
            Assert.Equal(issued.Count, ended);
            foreach (var tokens in issued)
            {
                var validation = await _tenant.ValidateAsync(tokens);
                Assert.False(validation.Active);
                Assert.Equal(InactiveReason.Terminated, validation.Reason);
                Assert.Equal(EndReason.Denylisted, (await _tenant.Session(tokens.SessionId).GetDetails())!.Row.EndReason);
            }

            Assert.Equal(SignInError.UserDenylisted, (await user.SignIn(Secrets.NewSessionId(), signIn)).Error);
            Assert.True(await user.RemoveFromDenylist());
            Assert.True((await _tenant.ValidateAsync(await _tenant.SignInAsync(userId))).Active);
            issuedInAll += issued.Count;
            refusedInAll += results.Length - issued.Count;
        }

        // Over all rounds both sides of the race must have happened, or the race proved nothing.
        Assert.True(issuedInAll > 0, "no sign-in ever finished before the denylist");
        Assert.True(refusedInAll > 0, "no sign-in was ever refused by the denylist");
    }

    [Fact]
    public async Task A_denylisted_user_is_listed_and_lifting_the_denylist_lets_them_sign_in_again()
    {
        await _tenant.CreateAsync();
        var user = _tenant.User("ada");
        var old = await _tenant.SignInAsync("ada");
        await user.Denylist("phishing");
        var list = fixture.Grains.GetGrain<ITenantDenylistGrain>(_tenant.TenantId);
        Assert.Equal("phishing", Assert.Single(await list.List()).Reason);

        Assert.True(await user.RemoveFromDenylist());

        Assert.Empty(await list.List());
        var fresh = await _tenant.SignInAsync("ada");
        Assert.True((await _tenant.ValidateAsync(fresh)).Active);
        // Lifting the denylist lets new sessions in; it does not bring the ended one back.
        Assert.Equal(InactiveReason.Terminated, (await _tenant.ValidateAsync(old)).Reason);
        Assert.False(await user.RemoveFromDenylist());
    }
}
