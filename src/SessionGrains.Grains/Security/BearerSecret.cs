using System.Buffers.Text;
using System.Text;

namespace SessionGrains.Grains.Security;

/// <summary>The kinds of secret the service hands out; the prefix tells them apart.</summary>
public enum SecretKind
{
    /// <summary>A session's access token ("sga").</summary>
    AccessToken,

    /// <summary>A session's refresh token ("sgr").</summary>
    RefreshToken,

    /// <summary>A tenant's API key ("sgk").</summary>
    ApiKey,
}

/// <summary>
/// A secret that carries its own routing: "prefix.base64url(tenant).id.secret". The tenant and id
/// (session id or key id) say which grain to ask without a lookup table; only the secret part is
/// hashed and checked. Tenant ids may contain '.', hence their base64url encoding.
/// </summary>
public readonly record struct BearerSecret(SecretKind Kind, string TenantId, string Id, string Secret)
{
    /// <summary>The longest string <see cref="TryParse"/> looks at; anything longer is not ours.</summary>
    public const int MaxLength = 4 + 172 + 1 + Identifier.MaxLength + 1 + Secrets.EncodedLength;

    private static string Prefix(SecretKind kind) => kind switch
    {
        SecretKind.AccessToken => "sga",
        SecretKind.RefreshToken => "sgr",
        _ => "sgk",
    };

    /// <summary>A fresh secret of the given kind for the given tenant and id.</summary>
    public static BearerSecret New(SecretKind kind, string tenantId, string id) =>
        new(kind, tenantId, id, Secrets.NewSecret());

    /// <summary>The string handed to the client: the only place the secret is written out.</summary>
    public string Encode() =>
        $"{Prefix(Kind)}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TenantId))}.{Id}.{Secret}";

    /// <summary>Redacted, so that a secret that reaches a log line shows only where it routes.</summary>
    public override string ToString() => $"{Prefix(Kind)}.{TenantId}.{Id}.***";

    /// <summary>The hash that is stored in place of the secret.</summary>
    public byte[] Hash() => Secrets.Hash(Secret);

    /// <summary>Reads a secret of the expected kind; false for anything malformed.</summary>
    public static bool TryParse(string? value, SecretKind kind, out BearerSecret secret)
    {
        secret = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        var parts = value.Split('.');
        if (parts.Length != 4 || parts[0] != Prefix(kind) || parts[3].Length != Secrets.EncodedLength
            || !Identifier.IsValid(parts[2]) || !Base64Url.IsValid(parts[3]))
        {
            return false;
        }

        string tenantId;
        try
        {
            tenantId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (FormatException)
        {
            return false;
        }

        if (!Identifier.IsValid(tenantId))
        {
            return false;
        }

        secret = new BearerSecret(kind, tenantId, parts[2], parts[3]);
        return true;
    }
}
