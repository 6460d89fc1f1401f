namespace SessionGrains.Sessions;

/// <summary>
/// One session (key: "tenant/sessionId", see <see cref="GrainKeys.Session"/>). It holds the
/// hashes of the current access and refresh tokens, never the tokens; validation is a check in
/// memory, and last activity is written behind rather than on every call.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Opens the session and stores it durably before returning its tokens. Only the user grain
    /// calls this, so that a user's sign-ins are ordered against its denylist. Opening again with
    /// the same sign-in, before any refresh, re-issues the tokens (a sign-in sent again after its
    /// answer was lost); anything else on an opened session is refused.
    /// </summary>
    Task<SessionTokens> Open(SessionOpening opening);

    /// <summary>
    /// Checks an access token's hash; a success counts as activity. With
    /// <paramref name="microtenantId"/> (a caller scoped to one microtenant), a session of another
    /// microtenant is unknown to the caller and untouched.
    /// </summary>
    Task<ValidationResult> Validate(byte[] tokenHash, string? microtenantId = null);

    /// <summary>
    /// Rotates the tokens for a presented refresh token, detecting reuse of any token the session
    /// ever issued (outside the grace, it ends the session as stolen); scoped like <see cref="Validate"/>.
    /// </summary>
    [AtMostOnce]
    Task<RefreshResult> Refresh(RefreshProof proof, string? microtenantId = null);

    /// <summary>
    /// Ends the session with <see cref="EndReason.UserLogout"/> when the hash is its access
    /// token's; scoped like <see cref="Validate"/>.
    /// </summary>
    Task<bool> Logout(byte[] tokenHash, string? microtenantId = null);

    /// <summary>
    /// Describes the session of a refresh token without using it (RFC 7662 introspection): active
    /// only for the session's current refresh token while the session is live. Nothing changes:
    /// no rotation, no activity, and a rotated-away token is inactive rather than taken as theft.
    /// Scoped like <see cref="Validate"/>.
    /// </summary>
    Task<ValidationResult> InspectRefreshToken(RefreshProof proof, string? microtenantId = null);

    /// <summary>
    /// Ends the session with <see cref="EndReason.UserLogout"/> (RFC 7009 revocation) when the proof
    /// is of a refresh token that would rotate now (the current one, or one rotated away within the
    /// grace); false, and nothing changes, for any other. Scoped like <see cref="Validate"/>.
    /// </summary>
    Task<bool> RevokeRefreshToken(RefreshProof proof, string? microtenantId = null);

    /// <summary>
    /// Ends the session for the given reason. With <paramref name="microtenantId"/>, only a
    /// session of that microtenant is ended (others answer <see cref="EndOutcome.Forbidden"/>).
    /// <paramref name="audit"/>, the record of this end as a success, is stored in the very write
    /// that ends the session (so the end and its record are durable together, at the cost of one
    /// commit), and only when this call ends it (<see cref="EndOutcome.Terminated"/>).
    /// </summary>
    Task<EndOutcome> End(EndReason reason, string? microtenantId = null, Audit.AuditRecord? audit = null);

    /// <summary>
    /// Renews the session: from now on its current access token validates as
    /// <see cref="InactiveReason.RenewalRequired"/> until the client refreshes, and the refresh
    /// issues a token with <paramref name="claimsJson"/> as the session's claims (null: the claims
    /// stay). Stored before it returns. Scoped like <see cref="End"/>.
    /// </summary>
    Task<RenewOutcome> Renew(string? claimsJson, string? microtenantId = null);

    /// <summary>Where the session stands now (expiry is applied on the way).</summary>
    Task<SessionStatus?> GetStatus();

    /// <summary>The session, or null when there is none.</summary>
    Task<SessionDetails?> GetDetails();
}
