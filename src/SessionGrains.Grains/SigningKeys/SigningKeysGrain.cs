using System.Buffers.Text;
using System.Collections.Immutable;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SessionGrains.SigningKeys;

namespace SessionGrains.Grains.SigningKeys;

/// <inheritdoc cref="ISigningKeysGrain"/>
/// <remarks>
/// The current key is unsealed once per activation, on the first token it signs, and kept in
/// memory until the activation ends. A stored key that does not open (the encryption key changed,
/// or was never configured and the process restarted) cannot sign again: it is replaced by a new
/// current key, and stays published for its day like any replaced key, so what it signed still verifies.
/// </remarks>
internal sealed class SigningKeysGrain(
    [PersistentState("signingKeys", StorageNames.Default)] IPersistentState<SigningKeysState> state,
    SigningKeySeal seal,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<SigningKeysGrain> logger) : Grain, ISigningKeysGrain
{
    /// <summary>How long a replaced key stays published: longer than any token it signed lives, and than a relying party caches a JWKS.</summary>
    public static readonly TimeSpan PublishedAfterReplacement = TimeSpan.FromHours(24);

    private const int KidBytes = 16;

    private LogoutTokenSigner? _signer;

    private List<StoredSigningKey> Keys => state.State.Keys;

    private string TenantId => this.GetPrimaryKeyString();

    public async Task<ImmutableArray<string>> SignLogoutTokens(ImmutableArray<LogoutTokenClaims> tokens)
    {
        var signer = await SignerAsync();
        var signed = ImmutableArray.CreateBuilder<string>(tokens.Length);
        foreach (var claims in tokens)
        {
            signed.Add(signer.Sign(claims));
        }

        return signed.MoveToImmutable();
    }

    public async Task<ImmutableArray<PublishedSigningKey>> GetPublishedKeys()
    {
        // Published before it signs anything, so a relying party that fetched the set early already holds it.
        if (Current() is null)
        {
            await ReplaceCurrentAsync();
        }

        var now = time.GetUtcNow();
        return
        [
            .. Keys.Where(k => IsPublished(k, now))
                .OrderByDescending(k => k.ReplacedAt ?? DateTimeOffset.MaxValue)
                .Select(k => new PublishedSigningKey(k.Kid, Base64Url.EncodeToString(k.X), Base64Url.EncodeToString(k.Y))),
        ];
    }

    public async Task<string> Rotate() => (await ReplaceCurrentAsync()).Kid;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _signer?.Dispose();
        _signer = null;
        return Task.CompletedTask;
    }

    private StoredSigningKey? Current() => Keys.Find(k => k.ReplacedAt is null);

    private static bool IsPublished(StoredSigningKey key, DateTimeOffset now) =>
        key.ReplacedAt is not { } replaced || now - replaced < PublishedAfterReplacement;

    /// <summary>The current key, unsealed; made when there is none, replaced when it does not open.</summary>
    private async Task<LogoutTokenSigner> SignerAsync()
    {
        var current = Current();
        if (current is null)
        {
            return await ReplaceCurrentAsync();
        }

        if (_signer?.Kid == current.Kid)
        {
            return _signer;
        }

        if (Open(current) is { } opened)
        {
            _signer?.Dispose();
            return _signer = opened;
        }

        logger.LogWarning(
            "Tenant {TenantId}'s signing key {Kid} does not open under the configured encryption key; a new key replaces it, "
            + "and its public key stays published for a day.", TenantId, current.Kid);
        return await ReplaceCurrentAsync();
    }

    private LogoutTokenSigner? Open(StoredSigningKey key)
    {
        var d = new byte[SigningKeySeal.ScalarLength];
        try
        {
            if (!seal.TryOpen(key.SealedPrivateKey, TenantId, key.Kid, d))
            {
                return null;
            }

            var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = key.X, Y = key.Y },
                D = d,
            });
            return new LogoutTokenSigner(key.Kid, ecdsa);
        }
        catch (CryptographicException)
        {
            // Opened, but not a key of that point: as good as sealed under another key.
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>
    /// A new current key: the one it replaces (if any) is marked replaced now, keys replaced a day
    /// ago or more are dropped, and the state is stored before the new key signs anything.
    /// </summary>
    private async Task<LogoutTokenSigner> ReplaceCurrentAsync()
    {
        var now = time.GetUtcNow();
        Keys.RemoveAll(k => !IsPublished(k, now));
        for (var i = 0; i < Keys.Count; i++)
        {
            if (Keys[i].ReplacedAt is null)
            {
                Keys[i] = Keys[i] with { ReplacedAt = now };
            }
        }

        var kid = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(KidBytes));
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new LogoutTokenSigner(kid, ecdsa);
        try
        {
            var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
            try
            {
                Keys.Add(new StoredSigningKey(kid, now, null, parameters.Q.X!, parameters.Q.Y!, seal.Seal(parameters.D, TenantId, kid)));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(parameters.D);
            }

            await state.WriteOrForgetAsync(this);
        }
        catch
        {
            signer.Dispose();
            throw;
        }

        _signer?.Dispose();
        return _signer = signer;
    }
}
