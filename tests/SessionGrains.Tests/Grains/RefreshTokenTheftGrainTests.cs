using System.Buffers.Text;
using System.Data;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SessionGrains.Grains.Security;
using SessionGrains.Grains.SessionTable;
using SessionGrains.Grains.Sessions;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// Refresh-token theft detection has no horizon: any refresh token ever issued for a session and
/// rotated away ends the session when it comes back outside the grace, however many rotations ago.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class RefreshTokenTheftGrainTests(GrainClusterFixture fixture)
{
    private const int Grace = 5;

    private static readonly TenantPolicy WithGrace = TenantPolicy.Default with { RefreshReuseGraceSeconds = Grace };

    private readonly TenantDriver _tenant = new(fixture.Grains, TestData.Id("t"), 2);

    /// <summary>Signs in and refreshes <paramref name="refreshes"/> times; every pair issued, oldest first.</summary>
    private async Task<List<SessionTokens>> RotateAsync(int refreshes)
    {
        await _tenant.CreateAsync();
        var issued = new List<SessionTokens> { await _tenant.SignInAsync("ada", policy: WithGrace) };
        for (var i = 0; i < refreshes; i++)
        {
            var result = await _tenant.RefreshAsync(issued[^1]);
            Assert.Null(result.Error);
            issued.Add(result.Tokens!);
        }

        return issued;
    }

    private async Task AssertEndedAsStolenAsync(SessionTokens current)
    {
        Assert.Equal(InactiveReason.Terminated, (await _tenant.ValidateAsync(current)).Reason);
        var details = await _tenant.Session(current.SessionId).GetDetails();
        Assert.Equal(SessionStatus.Terminated, details!.Row.Status);
        Assert.Equal(EndReason.TokenReuse, details.Row.EndReason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task A_refresh_token_rotated_away_forty_refreshes_ago_ends_the_session(int which)
    {
        var issued = await RotateAsync(40);
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace + 1));

        var reuse = await _tenant.RefreshAsync(issued[which]);

        Assert.Equal(RefreshError.RefreshTokenReused, reuse.Error);
        await AssertEndedAsStolenAsync(issued[^1]);
    }

    [Fact]
    public async Task Theft_is_recognised_after_the_session_was_reloaded_from_storage()
    {
        var issued = await RotateAsync(40);
        await fixture.Cluster.DeactivateAsync(_tenant.Session(issued[0].SessionId));
        var next = await _tenant.RefreshAsync(issued[^1]);
        Assert.NotNull(next.Tokens);
        await fixture.Cluster.DeactivateAsync(_tenant.Session(issued[0].SessionId));
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace + 1));

        Assert.Equal(RefreshError.RefreshTokenReused, (await _tenant.RefreshAsync(issued[1])).Error);
        await AssertEndedAsStolenAsync(next.Tokens);
    }

    [Fact]
    public async Task Within_the_grace_the_just_rotated_token_still_rotates_after_many_refreshes()
    {
        var issued = await RotateAsync(40);
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace - 1));

        var again = await _tenant.RefreshAsync(issued[^2]);

        Assert.NotNull(again.Tokens);
        Assert.True((await _tenant.ValidateAsync(again.Tokens)).Active);
        Assert.Equal(InactiveReason.Unknown, (await _tenant.ValidateAsync(issued[^1])).Reason);
    }

    /// <summary>Forgeries of a real token: generation <paramref name="generation"/>, a random secret, the real token's signature.</summary>
    private static RefreshProof Forged(SessionTokens real, long generation)
    {
        Assert.True(RefreshToken.TryParse(real.RefreshToken, out var token));
        return (token with { Secret = Secrets.NewSecret(), Generation = generation }).Proof();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(40)]
    [InlineData(41)]
    [InlineData(1000)]
    public async Task A_forged_refresh_token_of_any_generation_is_invalid_and_the_session_lives(long generation)
    {
        var issued = await RotateAsync(40);
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace + 1));

        var result = await _tenant.Session(issued[0].SessionId).Refresh(Forged(issued[(int)Math.Min(generation, 40)], generation));

        Assert.Equal(RefreshError.InvalidRefreshToken, result.Error);
        Assert.True((await _tenant.ValidateAsync(issued[^1])).Active);
        Assert.NotNull((await _tenant.RefreshAsync(issued[^1])).Tokens);
    }

    [Fact]
    public async Task The_stored_hash_of_the_current_token_does_not_refresh_without_its_secret()
    {
        var issued = await RotateAsync(2);
        var real = TenantDriver.ProofOf(issued[^1].RefreshToken);

        var result = await _tenant.Session(issued[0].SessionId).Refresh(real with { UnlockKey = new byte[32] });

        Assert.Equal(RefreshError.InvalidRefreshToken, result.Error);
        Assert.True((await _tenant.ValidateAsync(issued[^1])).Active);
    }

    [Fact]
    public async Task A_token_of_another_session_is_not_taken_for_this_ones()
    {
        var mine = await RotateAsync(3);
        var theirs = await _tenant.SignInAsync("grace", policy: WithGrace);
        var theirsRotated = (await _tenant.RefreshAsync(theirs)).Tokens!;
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace + 1));

        var result = await _tenant.Session(mine[0].SessionId).Refresh(TenantDriver.ProofOf(theirs.RefreshToken));

        Assert.Equal(RefreshError.InvalidRefreshToken, result.Error);
        Assert.True((await _tenant.ValidateAsync(mine[^1])).Active);
        Assert.True((await _tenant.ValidateAsync(theirsRotated)).Active);
    }

    [Fact]
    public async Task A_session_of_before_signed_tokens_refreshes_once_with_its_current_token_and_then_detects_reuse()
    {
        var issued = await RotateAsync(0);
        var sessionId = issued[0].SessionId;
        var older = BearerSecret.New(SecretKind.RefreshToken, _tenant.TenantId, sessionId);
        var current = BearerSecret.New(SecretKind.RefreshToken, _tenant.TenantId, sessionId);
        await RewriteAsLegacyAsync(sessionId, current.Hash(), older.Hash());

        var converted = await _tenant.Session(sessionId).Refresh(TenantDriver.ProofOf(current.Encode()));

        Assert.NotNull(converted.Tokens);
        Assert.True(RefreshToken.TryParse(converted.Tokens.RefreshToken, out var signed));
        Assert.Equal(0, signed.Generation);
        var next = (await _tenant.RefreshAsync(converted.Tokens)).Tokens!;
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace + 1));
        Assert.Equal(RefreshError.RefreshTokenReused, (await _tenant.Session(sessionId).Refresh(TenantDriver.ProofOf(current.Encode()))).Error);
        await AssertEndedAsStolenAsync(next);
    }

    [Fact]
    public async Task A_legacy_token_rotated_before_the_change_is_still_recognised_as_reuse()
    {
        var issued = await RotateAsync(0);
        var sessionId = issued[0].SessionId;
        var older = BearerSecret.New(SecretKind.RefreshToken, _tenant.TenantId, sessionId);
        var current = BearerSecret.New(SecretKind.RefreshToken, _tenant.TenantId, sessionId);
        await RewriteAsLegacyAsync(sessionId, current.Hash(), older.Hash());
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace + 1));

        Assert.Equal(RefreshError.RefreshTokenReused, (await _tenant.Session(sessionId).Refresh(TenantDriver.ProofOf(older.Encode()))).Error);
        Assert.Equal(EndReason.TokenReuse, (await _tenant.Session(sessionId).GetDetails())!.Row.EndReason);
    }

    /// <summary>
    /// Rewrites a stored session as one opened before refresh tokens were signed: no signing key, a
    /// current unsigned refresh token, and one unsigned token rotated away now.
    /// </summary>
    private async Task RewriteAsLegacyAsync(string sessionId, byte[] currentHash, byte[] rotatedHash)
    {
        await fixture.Cluster.DeactivateAsync(_tenant.Session(sessionId));
        var services = fixture.Cluster.GetSiloServiceProvider(fixture.Cluster.Silos[0].SiloAddress);
        var rows = services.GetRequiredService<ISessionRowStore>();
        var serializer = services.GetRequiredService<Serializer<SessionState>>();
        var stored = (await rows.ReadAsync(_tenant.TenantId, sessionId, CancellationToken.None))!;
        var state = serializer.Deserialize(stored.State)!;
        state.RefreshPublicKey = [];
        state.RefreshSealedKey = [];
        state.RefreshGeneration = 0;
        state.GraceRefreshTokens = [];
        state.RefreshTokenHash = currentHash;
        state.RotatedRefreshTokens = [new RotatedRefreshToken(rotatedHash, fixture.Time.GetUtcNow())];
        var version = stored.Version + 1;
        await rows.WriteAsync(
            new SessionRecord(_tenant.TenantId, state.Shard, state.ToRow(sessionId, version), serializer.SerializeToArray(state)),
            stored.Version, CancellationToken.None);
    }

    [Fact]
    public async Task Storage_holds_no_token_secret_in_clear()
    {
        var issued = await RotateAsync(3);

        var stored = await StoredRowAsync(issued[0].SessionId);

        foreach (var tokens in issued)
        {
            foreach (var secret in new[] { tokens.Token, tokens.RefreshToken }.SelectMany(SecretsOf))
            {
                var raw = Base64Url.DecodeFromChars(secret);
                foreach (var form in new[]
                {
                    Encoding.UTF8.GetBytes(secret), raw, Encoding.UTF8.GetBytes(Convert.ToHexString(raw)),
                    Encoding.UTF8.GetBytes(Convert.ToHexStringLower(raw)), Encoding.UTF8.GetBytes(Convert.ToBase64String(raw)),
                })
                {
                    Assert.DoesNotContain(stored, column => column.AsSpan().IndexOf(form) >= 0);
                }
            }

            // Nor the key a refresh token's secret unlocks (the signing key is sealed under it).
            var unlock = TenantDriver.ProofOf(tokens.RefreshToken).UnlockKey;
            Assert.DoesNotContain(stored, column => column.AsSpan().IndexOf(unlock) >= 0);
        }
    }

    /// <summary>The 256-bit secret parts of a token (43 base64url characters), whatever else it carries.</summary>
    private static IEnumerable<string> SecretsOf(string token) => token.Split('.').Where(p => p.Length == 43);

    /// <summary>Every column of the session's stored row, as bytes, read past every grain.</summary>
    private async Task<List<byte[]>> StoredRowAsync(string sessionId)
    {
        var rows = await fixture.Database.RowsAsync(
            "SELECT * FROM Sessions WHERE TenantId = @tenant AND SessionId = @session", CancellationToken.None, command =>
            {
                command.Add("@tenant", DbType.String, _tenant.TenantId);
                command.Add("@session", DbType.String, sessionId);
            });
        var row = Assert.Single(rows);
        return row.Select(value => value switch
        {
            byte[] bytes => bytes,
            null or DBNull => [],
            _ => Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!),
        }).ToList();
    }
}
