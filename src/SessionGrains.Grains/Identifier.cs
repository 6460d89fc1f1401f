namespace SessionGrains.Grains;

/// <summary>
/// The contract's identifier rule: 1-128 characters of A-Z a-z 0-9 . _ @ + -.
/// One definition, used by the API's validation and by token parsing alike.
/// </summary>
public static class Identifier
{
    /// <summary>The longest identifier allowed.</summary>
    public const int MaxLength = 128;

    /// <summary>True when <paramref name="value"/> is a valid identifier.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '@' or '+' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
