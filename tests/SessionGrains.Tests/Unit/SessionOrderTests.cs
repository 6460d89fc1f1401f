using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;

namespace SessionGrains.Tests.Unit;

/// <summary>The email sort's prefix keys order exactly as comparing the emails case-insensitively does.</summary>
[Trait("Category", "Unit")]
public sealed class SessionOrderTests
{
    [Fact]
    public void Email_prefix_keys_agree_with_OrdinalIgnoreCase()
    {
        var rng = new Random(11);
        const string Alphabet = "aAbBzZ.@-_09\0éÉßİı😀";
        string Random()
        {
            var length = rng.Next(0, 13);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                // Mostly ASCII, sometimes anything from the alphabet (non-ASCII, NUL, surrogate halves).
                chars[i] = rng.Next(10) < 8 ? "aAbB.@"[rng.Next(6)] : Alphabet[rng.Next(Alphabet.Length)];
            }

            return new string(chars);
        }

        var emails = Enumerable.Range(0, 400).Select(_ => rng.Next(20) == 0 ? null : Random()).ToList();
        emails.AddRange(["", "a", "A", "ab", "aB", "ab\0", "abcdefghi", "ABCDEFGHI", "abcdefghij", "abcdefghI", null]);
        foreach (var descending in new[] { false, true })
        {
            var order = new SessionOrder(SessionSortKey.UserEmail, descending);
            foreach (var x in emails)
            {
                foreach (var y in emails)
                {
                    var kx = new OrderKey(OrderKey.EmailPrefixOf(x), default, x ?? "", "s1");
                    var ky = new OrderKey(OrderKey.EmailPrefixOf(y), default, y ?? "", "s2");
                    var expected = Math.Sign(string.Compare(x ?? "", y ?? "", StringComparison.OrdinalIgnoreCase));
                    expected = expected == 0 ? -1 : descending ? -expected : expected;
                    Assert.True(expected == Math.Sign(order.Compare(kx, ky)), $"'{x}' vs '{y}' ({(descending ? "desc" : "asc")})");
                }
            }
        }
    }
}
