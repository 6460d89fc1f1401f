using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>What a session's claims may be, wherever they are given: at sign-in and at renew.</summary>
public static class ClaimsRules
{
    /// <summary>Largest claims object, as JSON text.</summary>
    public const int MaxClaimsLength = 16 * 1024;

    /// <summary>Checks optional <paramref name="claims"/>: a JSON object of at most <see cref="MaxClaimsLength"/> bytes.</summary>
    public static void Claims(this Validator validator, string field, RawJson? claims)
    {
        if (claims is null)
        {
            return;
        }

        if (claims.Json.Length > MaxClaimsLength)
        {
            validator.Add(field, $"must be at most {MaxClaimsLength} bytes of JSON.");
        }
        else if (!claims.Json.StartsWith('{'))
        {
            validator.Add(field, "must be a JSON object.");
        }
    }
}
