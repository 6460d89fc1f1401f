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

    /// <summary>
    /// How many unsigned rotated-away refresh tokens are remembered to detect their reuse: a session
    /// has one (its sign-in token), or up to this many if it rotated before refresh tokens were signed.
    /// </summary>
    private const int UnsignedTokensKept = 32;

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

    /// <summary>The session's signing key once a refresh token unlocked it in this activation.</summary>
    private RefreshSigningKey? _signingKey;

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
            metrics.RefreshTokenReused();
            await EndAsync(EndReason.TokenReuse);
            return new RefreshResult(null, RefreshError.RefreshTokenReused);
        }

        if (presented == Presented.Invalid)
        {
            return new RefreshResult(null, RefreshError.InvalidRefreshToken);
        }

        // Only the token's secret unlocks the signing key: a hash alone (all that storage holds) does
        // not rotate. A session still on its unsigned sign-in token gets its key now. Once unsealed,
        // the key stays in this activation's memory, never stored: a session that refreshes again
        // before it deactivates still opens the box, but skips importing the key.
        var (tenantId, sessionId) = Key;
        var key = sealedKey.Length > 0
            ? RefreshSigningKey.Unseal(sealedKey, proof.UnlockKey, S.RefreshPublicKey, tenantId, sessionId, _signingKey)
            : RefreshSigningKey.Create();
        if (key is null)
        {
            return new RefreshResult(null, RefreshError.InvalidRefreshToken);
        }

        _signingKey = key;
        RememberRotated(now, proof, key);
        if (S.RefreshPublicKey.Length == 0)
        {
            S.RefreshPublicKey = key.PublicKey();
            S.RefreshGeneration = RefreshToken.Unsigned;
        }

        S.LastActivity = now;
        _idleGrace = TimeSpan.Zero;
        S.LastRefreshAt = now;
        S.RefreshCount++;
        S.RenewalRequired = false;
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
        if (IsCurrent(proof))
        {
            return (Presented.Rotates, S.RefreshSealedKey);
        }

        var grace = TimeSpan.FromSeconds(S.RefreshReuseGraceSeconds);
        var recent = S.GraceRefreshTokens.FindLast(
            r => r.Generation == proof.Generation && Secrets.HashesEqual(proof.SecretHash, r.Hash));
        if (recent is not null && now - recent.RotatedAt < grace)
        {
            return (Presented.Rotates, recent.SealedKey);
        }

        if (proof.Generation == RefreshToken.Unsigned)
        {
            var unsigned = S.RotatedRefreshTokens.FindLast(r => Secrets.HashesEqual(proof.SecretHash, r.Hash));
            return unsigned is null ? (Presented.Invalid, [])
                : now - unsigned.RotatedAt >= grace ? (Presented.Reused, [])
                // Once the session has a key, rotating from an unsigned token needs the key sealed under it (above).
                : hasKey ? (Presented.Invalid, []) : (Presented.Rotates, []);
        }

        // Only a token this session signed, of an earlier generation, is theft; anything else is not ours.
        var (tenantId, sessionId) = Key;
        var issued = hasKey && proof.Generation >= 0 && proof.Generation < S.RefreshGeneration
            && RefreshSigningKey.Verify(S.RefreshPublicKey, tenantId, sessionId, proof.Generation, proof.SecretHash, proof.Signature);
        return (issued ? Presented.Reused : Presented.Invalid, []);
    }

    /// <summary>True when the proof is of the session's current refresh token (the last one issued).</summary>
    private bool IsCurrent(RefreshProof proof)
    {
        var currentGeneration = S.RefreshPublicKey.Length > 0 ? S.RefreshGeneration : RefreshToken.Unsigned;
        return proof.Generation == currentGeneration && Secrets.HashesEqual(proof.SecretHash, S.RefreshTokenHash);
    }

    /// <summary>
    /// Keeps the current refresh token, about to be replaced, able to rotate within the grace: with
    /// the signing key sealed under its secret, which is at hand only when it is the one presented
    /// or was sealed at its issue. Unsigned ones are also remembered for good, to recognise reuse.
    /// </summary>
    private void RememberRotated(DateTimeOffset now, RefreshProof presented, RefreshSigningKey key)
    {
        var grace = TimeSpan.FromSeconds(S.RefreshReuseGraceSeconds);
        S.GraceRefreshTokens.RemoveAll(r => now - r.RotatedAt >= grace);
        var (tenantId, sessionId) = Key;
        var hasKey = S.RefreshPublicKey.Length > 0;
        if (!hasKey)
        {
            S.RotatedRefreshTokens.Add(new RotatedRefreshToken(S.RefreshTokenHash, now));
            if (S.RotatedRefreshTokens.Count > UnsignedTokensKept)
            {
                S.RotatedRefreshTokens.RemoveAt(0);
            }
        }

        var sealedKey = hasKey ? S.RefreshSealedKey
            : presented.Generation == RefreshToken.Unsigned && Secrets.HashesEqual(presented.SecretHash, S.RefreshTokenHash)
                ? key.Seal(presented.UnlockKey, tenantId, sessionId)
                : [];
        if (grace > TimeSpan.Zero && sealedKey.Length > 0)
        {
            S.GraceRefreshTokens.Add(new GraceRefreshToken(
                hasKey ? S.RefreshGeneration : RefreshToken.Unsigned, S.RefreshTokenHash, now, sealedKey));
            if (S.GraceRefreshTokens.Count > GraceTokensKept)
            {
                S.GraceRefreshTokens.RemoveAt(0);
            }
        }
    }

    /// <summary>
    /// New access and refresh tokens; only their hashes are kept. With <paramref name="key"/>, the
    /// refresh token is the next generation, signed; without (at sign-in) it is unsigned, so a
    /// sign-in costs no key: the session gets its signing key at its first refresh.
    /// </summary>
    private SessionTokens IssueTokens(RefreshSigningKey? key = null)
    {
        var (tenantId, sessionId) = Key;
        var token = BearerSecret.New(SecretKind.AccessToken, tenantId, sessionId);
        RefreshToken refresh;
        if (key is null)
        {
            refresh = RefreshToken.NewUnsigned(tenantId, sessionId);
            S.RefreshSealedKey = [];
        }
        else
        {
            S.RefreshGeneration++;
            refresh = RefreshToken.New(tenantId, sessionId, S.RefreshGeneration, key);
            S.RefreshSealedKey = key.Seal(refresh.UnlockKey(), tenantId, sessionId);
        }

        S.TokenHash = token.Hash();
        S.RefreshTokenHash = refresh.Hash();
        return new SessionTokens(sessionId, token.Encode(), refresh.Encode(), S.ExpiresAt, IdleExpiresAt());
    }
}
