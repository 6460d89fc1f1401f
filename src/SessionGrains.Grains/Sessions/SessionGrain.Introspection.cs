using SessionGrains.Sessions;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// Refresh tokens looked at by OAuth clients (RFC 7662 introspection, RFC 7009 revocation) rather
/// than used: neither rotates, and neither takes a rotated-away token for theft, since a client that
/// asks about or gives up an old token is not using it.
/// </summary>
internal sealed partial class SessionGrain
{
    public async Task<ValidationResult> InspectRefreshToken(RefreshProof proof, string? microtenantId = null)
    {
        // Only the current token is active: one rotated away, even within the grace, has been
        // replaced, and its issue time is not kept.
        if (!S.Opened || !InScope(microtenantId) || !IsCurrent(proof))
        {
            return ValidationResult.Inactive(InactiveReason.Unknown);
        }

        // Not activity: describing a session is not using it, so the idle timeout keeps running.
        return await IsActiveAsync()
            ? Described()
            : ValidationResult.Inactive(S.Status == SessionStatus.Expired ? InactiveReason.Expired : InactiveReason.Terminated);
    }

    public async Task<bool> RevokeRefreshToken(RefreshProof proof, string? microtenantId = null)
    {
        // Whatever would rotate now may end the session: a client that lost a refresh's answer
        // still holds the token it sent, and revoking it must log out.
        if (!S.Opened || !InScope(microtenantId) || !await IsActiveAsync() || Recognise(proof, time.GetUtcNow()).Kind != Presented.Rotates)
        {
            return false;
        }

        await EndAsync(EndReason.UserLogout);
        return true;
    }
}
