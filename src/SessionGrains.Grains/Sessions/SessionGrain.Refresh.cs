using SessionGrains.Grains.Security;
using SessionGrains.Sessions;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// Refresh-token rotation and theft detection. Every refresh token carries its generation and the
/// session's signature (<see cref="RefreshSigningKey"/>), so any token the session ever issued and
/// rotated away is recognised by the public key alone, however many rotations ago, in bounded
/// storage; a forged one fails verification and leaves the session alone.
/// </summary>
internal sealed partial class SessionGrain
{
    /// <summary>
    /// How many rotated-away refresh tokens are kept able to rotate again within the grace; one
    /// older than these that comes back, even inside the grace, is taken as reuse.
    /// </summary>
    private const int GraceTokensKept = 32;

    /// <summary>How many legacy (unsigned) rotated-away refresh tokens are remembered to detect their reuse.</summary>
    private const int LegacyTokensKept = 32;

    /// <summary>What a presented refresh token turns out to be.</summary>
    private enum Presented
    {
        /// <summary>Not a token this session issued, or one it can no longer accept.</summary>
        Invalid,

        /// <summary>The current token, or one rotated away within the grace: it rotates.</summary>
        Rotates,

        /// <summary>Issued by this session and rotated away outside the grace: theft.</summary>
        Reused,
    }

    public async Task<RefreshResult> Refresh(RefreshProof proof, string? microtenantId = null)
    {
        if (!S.Opened || !InScope(microtenantId) || !await IsActiveAsync())
        {
            return new RefreshResult(null, RefreshError.InvalidRefreshToken);
        }

        var now = time.GetUtcNow();
        var (presented, sealedKey) = Recognise(proof, now);
        if (presented == Presented.Reused)
        {
            // A rotated-away token presented again means two parties hold it: end the session.
            await EndAsync(EndReason.TokenReuse);
            return new RefreshResult(null, RefreshError.RefreshTokenReused);
        }

        if (presented == Presented.Invalid)
        {
            return new RefreshResult(null, RefreshError.InvalidRefreshToken);
        }

        // Only the token's secret unlocks the signing key: a hash alone (all that storage holds) does
        // not rotate. A session of before signed tokens has no key yet and gets one.
        var (tenantId, sessionId) = Key;
        using var key = sealedKey.Length == 0
            ? null
            : RefreshSigningKey.Unseal(sealedKey, proof.UnlockKey, S.RefreshPublicKey, tenantId, sessionId);
        if (sealedKey.Length > 0 && key is null)
        {
            return new RefreshResult(null, RefreshError.InvalidRefreshToken);
        }

        RememberRotated(now);
        S.LastActivity = now;
        S.LastRefreshAt = now;
        S.RefreshCount++;
        var tokens = IssueTokens(key);
        await WriteAsync();
        CancelActivityFlush();
        return new RefreshResult(tokens, null);
    }

    /// <summary>
    /// Whether the token rotates, was stolen or is not ours, and the sealed signing key its secret
    /// should unlock (empty when the session has no key yet).
    /// </summary>
    private (Presented Kind, byte[] SealedKey) Recognise(RefreshProof proof, DateTimeOffset now)
    {
        var hasKey = S.RefreshPublicKey.Length > 0;
        var currentGeneration = hasKey ? S.RefreshGeneration : RefreshToken.Legacy;
        if (proof.Generation == currentGeneration && Secrets.HashesEqual(proof.SecretHash, S.RefreshTokenHash))
        {
            return (Presented.Rotates, S.RefreshSealedKey);
        }

        var grace = TimeSpan.FromSeconds(S.RefreshReuseGraceSeconds);
        if (proof.Generation == RefreshToken.Legacy)
        {
            var legacy = S.RotatedRefreshTokens.FindLast(r => Secrets.HashesEqual(proof.SecretHash, r.Hash));
            return legacy is null ? (Presented.Invalid, [])
                : now - legacy.RotatedAt >= grace ? (Presented.Reused, [])
                // Once the session has a key, rotating from an unsigned token would need a key sealed under it.
                : hasKey ? (Presented.Invalid, []) : (Presented.Rotates, []);
        }

        var recent = S.GraceRefreshTokens.FindLast(
            r => r.Generation == proof.Generation && Secrets.HashesEqual(proof.SecretHash, r.Hash));
        if (recent is not null && now - recent.RotatedAt < grace)
        {
            return (Presented.Rotates, recent.SealedKey);
        }

        // Only a token this session signed, of an earlier generation, is theft; anything else is not ours.
        var (tenantId, sessionId) = Key;
        var issued = hasKey && proof.Generation >= 0 && proof.Generation < S.RefreshGeneration
            && RefreshSigningKey.Verify(S.RefreshPublicKey, tenantId, sessionId, proof.Generation, proof.SecretHash, proof.Signature);
        return (issued ? Presented.Reused : Presented.Invalid, []);
    }

    /// <summary>Keeps the current refresh token able to rotate within the grace, before it is replaced.</summary>
    private void RememberRotated(DateTimeOffset now)
    {
        if (S.RefreshPublicKey.Length == 0)
        {
            S.RotatedRefreshTokens.Add(new RotatedRefreshToken(S.RefreshTokenHash, now));
            if (S.RotatedRefreshTokens.Count > LegacyTokensKept)
            {
                S.RotatedRefreshTokens.RemoveAt(0);
            }

            return;
        }

        var grace = TimeSpan.FromSeconds(S.RefreshReuseGraceSeconds);
        S.GraceRefreshTokens.RemoveAll(r => now - r.RotatedAt >= grace);
        if (grace > TimeSpan.Zero)
        {
            S.GraceRefreshTokens.Add(new GraceRefreshToken(S.RefreshGeneration, S.RefreshTokenHash, now, S.RefreshSealedKey));
            if (S.GraceRefreshTokens.Count > GraceTokensKept)
            {
                S.GraceRefreshTokens.RemoveAt(0);
            }
        }
    }

    /// <summary>
    /// New access and refresh tokens; only their hashes are kept. The refresh token is signed with
    /// <paramref name="key"/>, the next generation; without one the session gets a new key (at
    /// sign-in, or a session of before signed tokens) and starts at generation 0.
    /// </summary>
    private SessionTokens IssueTokens(RefreshSigningKey? key = null)
    {
        var (tenantId, sessionId) = Key;
        using var created = key is null ? RefreshSigningKey.Create() : null;
        var signing = key ?? created!;
        if (created is not null)
        {
            S.RefreshPublicKey = created.PublicKey();
            S.RefreshGeneration = 0;
            S.GraceRefreshTokens.Clear();
        }
        else
        {
            S.RefreshGeneration++;
        }

        var token = BearerSecret.New(SecretKind.AccessToken, tenantId, sessionId);
        var refresh = RefreshToken.New(tenantId, sessionId, S.RefreshGeneration, signing);
        S.TokenHash = token.Hash();
        S.RefreshTokenHash = refresh.Hash();
        S.RefreshSealedKey = signing.Seal(refresh.UnlockKey(), tenantId, sessionId);
        return new SessionTokens(sessionId, token.Encode(), refresh.Encode(), S.ExpiresAt, IdleExpiresAt());
    }
}
