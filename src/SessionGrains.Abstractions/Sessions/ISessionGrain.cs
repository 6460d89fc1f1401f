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
    /// calls this, so that a user's sign-ins are ordered against its denylist.
    /// </summary>
    Task<SessionTokens> Open(SessionOpening opening);

    /// <summary>Checks an access token's hash; a success counts as activity.</summary>
    Task<ValidationResult> Validate(byte[] tokenHash);

    /// <summary>Rotates the tokens for a refresh token's hash, detecting reuse.</summary>
    Task<RefreshResult> Refresh(byte[] refreshTokenHash);

    /// <summary>Ends the session with <see cref="EndReason.UserLogout"/> when the hash is its access token's.</summary>
    Task<bool> Logout(byte[] tokenHash);

    /// <summary>
    /// Ends the session for the given reason. With <paramref name="microtenantId"/>, only a
    /// session of that microtenant is ended (others answer <see cref="EndOutcome.Forbidden"/>).
    /// </summary>
    Task<EndOutcome> End(EndReason reason, string? microtenantId = null);

    /// <summary>Where the session stands now (expiry is applied on the way).</summary>
    Task<SessionStatus?> GetStatus();

    /// <summary>The session, or null when there is none.</summary>
    Task<SessionDetails?> GetDetails();
}
