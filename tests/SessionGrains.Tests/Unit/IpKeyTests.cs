using SessionGrains.Grains.SessionTable;

namespace SessionGrains.Tests.Unit;

/// <summary>The IP sort key read from a plain dotted quad equals the one <see cref="System.Net.IPAddress"/> parsing gives, for every form.</summary>
[Trait("Category", "Unit")]
public sealed class IpKeyTests
{
    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("203.0.113.7")]
    [InlineData("010.0.0.1")]
    [InlineData("1.2.3")]
    [InlineData("127.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.")]
    [InlineData(".1.2.3")]
    [InlineData("1..2.3")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.1000")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("not an address")]
    [InlineData("")]
    [InlineData("4294967295")]
    public void The_key_of_an_address_is_the_parsers(string ip) => Assert.Equal(OrderKey.ParsedIpKeyOf(ip), OrderKey.IpKeyOf(ip));

    [Fact]
    public void Random_dotted_quads_key_as_the_parser_keys_them()
    {
        var rng = new Random(5);
        for (var i = 0; i < 20_000; i++)
        {
            var ip = $"{rng.Next(256)}.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(256)}";
            Assert.Equal(OrderKey.ParsedIpKeyOf(ip), OrderKey.IpKeyOf(ip));
        }
    }
}
