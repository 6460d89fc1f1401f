using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SessionGrains.SigningKeys;

namespace SessionGrains.Grains.SigningKeys;

/// <summary>
/// One unsealed signing key and what signs logout tokens with it: the token's header, the same
/// for every token of the key, encoded once; the payload written with one reused
/// <see cref="Utf8JsonWriter"/> into one reused buffer, so a token costs its signature and its
/// string. Not thread-safe: one grain activation holds it, and a grain runs one call at a time.
/// </summary>
internal sealed class LogoutTokenSigner : IDisposable
{
    /// <summary>How long a logout token is good for, from its <c>iat</c> (its <c>exp</c> is <c>iat</c> + this).</summary>
    public const int LifetimeSeconds = 120;

    /// <summary>The JWT <c>typ</c> of a logout token (OpenID Connect Back-Channel Logout 1.0 §2.4).</summary>
    public const string TokenType = "logout+jwt";

    /// <summary>The event a logout token carries, as the member name of its <c>events</c> claim.</summary>
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private const int SignatureLength = 64;

    private static readonly JsonEncodedText Iss = JsonEncodedText.Encode("iss");
    private static readonly JsonEncodedText Sub = JsonEncodedText.Encode("sub");
    private static readonly JsonEncodedText Aud = JsonEncodedText.Encode("aud");
    private static readonly JsonEncodedText Iat = JsonEncodedText.Encode("iat");
    private static readonly JsonEncodedText Exp = JsonEncodedText.Encode("exp");
    private static readonly JsonEncodedText Jti = JsonEncodedText.Encode("jti");
    private static readonly JsonEncodedText Sid = JsonEncodedText.Encode("sid");
    private static readonly JsonEncodedText Events = JsonEncodedText.Encode("events");
    private static readonly JsonEncodedText Event = JsonEncodedText.Encode(BackChannelLogoutEvent);

    private readonly ECDsa _key;

    /// <summary>base64url of the header, then the dot: the start of every token of this key.</summary>
    private readonly byte[] _header;

    private readonly ArrayBufferWriter<byte> _payload = new(512);
    private readonly Utf8JsonWriter _json;

    /// <summary>The token being made (header.payload.signature, ASCII), grown when a token needs more.</summary>
    private byte[] _token = new byte[1024];

    public LogoutTokenSigner(string kid, ECDsa key)
    {
        Kid = kid;
        _key = key;
        _json = new Utf8JsonWriter(_payload);
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "ES256", ["typ"] = TokenType, ["kid"] = kid });
        _header = [.. Encoding.ASCII.GetBytes(Base64Url.EncodeToString(header)), (byte)'.'];
    }

    /// <summary>The key's id, the <c>kid</c> of its tokens' header and of its JWK.</summary>
    public string Kid { get; }

    /// <summary>One logout token for <paramref name="claims"/>: a compact JWS, ES256 (P-256, SHA-256, r‖s).</summary>
    public string Sign(LogoutTokenClaims claims)
    {
        _payload.ResetWrittenCount();
        _json.Reset(_payload);
        var iat = claims.IssuedAt.ToUnixTimeSeconds();
        _json.WriteStartObject();
        _json.WriteString(Iss, claims.Issuer);
        _json.WriteString(Sub, claims.Subject);
        _json.WriteString(Aud, claims.Audience);
        _json.WriteNumber(Iat, iat);
        _json.WriteNumber(Exp, iat + LifetimeSeconds);
        _json.WriteString(Jti, claims.Jti);
        _json.WriteString(Sid, claims.SessionId);
        _json.WriteStartObject(Events);
        _json.WriteStartObject(Event);
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();

        var payload = _payload.WrittenSpan;
        var signed = _header.Length + Base64Url.GetEncodedLength(payload.Length);
        var length = signed + 1 + Base64Url.GetEncodedLength(SignatureLength);
        if (_token.Length < length)
        {
            _token = new byte[Math.Max(length, 2 * _token.Length)];
        }

        _header.CopyTo(_token, 0);
        Base64Url.EncodeToUtf8(payload, _token.AsSpan(_header.Length));
        Span<byte> signature = stackalloc byte[SignatureLength];
        _key.SignData(_token.AsSpan(0, signed), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        _token[signed] = (byte)'.';
        Base64Url.EncodeToUtf8(signature, _token.AsSpan(signed + 1));
        return Encoding.ASCII.GetString(_token, 0, length);
    }

    public void Dispose()
    {
        _json.Dispose();
        _key.Dispose();
    }
}
