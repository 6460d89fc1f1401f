using SessionGrains.Grains.Security;

namespace SessionGrains.Tests.Unit;

/// <summary>The refresh token's format and the signing key's sealing, without a cluster.</summary>
[Trait("Category", "Unit")]
public sealed class RefreshTokenTests
{
    [Fact]
    public void A_signed_token_reads_back_and_its_signature_verifies_only_for_its_own_secret_and_session()
    {
        using var key = RefreshSigningKey.Create();
        var token = RefreshToken.New("acme.eu", "s1", 41, key);

        Assert.True(RefreshToken.TryParse(token.Encode(), out var read));
        Assert.Equal(token, read);
        var proof = read.Proof();
        var publicKey = key.PublicKey();
        Assert.True(RefreshSigningKey.Verify(publicKey, "acme.eu", "s1", 41, proof.SecretHash, proof.Signature));
        Assert.False(RefreshSigningKey.Verify(publicKey, "acme.eu", "s1", 42, proof.SecretHash, proof.Signature));
        Assert.False(RefreshSigningKey.Verify(publicKey, "acme.eu", "s2", 41, proof.SecretHash, proof.Signature));
        Assert.False(RefreshSigningKey.Verify(publicKey, "acme.eu", "s1", 41, Secrets.Hash(Secrets.NewSecret()), proof.Signature));
        Assert.False(RefreshSigningKey.Verify(publicKey, "acme.eu", "s1", 41, proof.SecretHash, new byte[64]));
    }

    [Fact]
    public void An_unsigned_token_reads_as_the_unsigned_generation()
    {
        var legacy = BearerSecret.New(SecretKind.RefreshToken, "acme", "s1");

        Assert.True(RefreshToken.TryParse(legacy.Encode(), out var read));
        Assert.Equal(RefreshToken.Unsigned, read.Generation);
        Assert.Equal(legacy.Secret, read.Secret);
        Assert.Equal(legacy.Encode(), read.Encode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sgr.YWNtZQ.s1")]
    [InlineData("sga.YWNtZQ.s1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.1.AAAA")]
    [InlineData("sgr.YWNtZQ.s1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sgr.YWNtZQ.s1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.1.short")]
    [InlineData("sgr.YWNtZQ.s1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.1234567890123456789.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tokens_do_not_read(string value) => Assert.False(RefreshToken.TryParse(value, out _));

    [Fact]
    public void The_sealed_key_opens_only_with_its_unlock_key_and_in_its_own_session()
    {
        using var key = RefreshSigningKey.Create();
        var unlock = RefreshSigningKey.UnlockKey("acme", "s1", 3, Secrets.NewSecret());
        var box = key.Seal(unlock, "acme", "s1");
        var publicKey = key.PublicKey();

        using var opened = RefreshSigningKey.Unseal(box, unlock, publicKey, "acme", "s1");
        Assert.NotNull(opened);
        var token = RefreshToken.New("acme", "s1", 4, opened);
        Assert.True(RefreshSigningKey.Verify(publicKey, "acme", "s1", 4, token.Hash(), token.Proof().Signature));
        Assert.Null(RefreshSigningKey.Unseal(box, new byte[32], publicKey, "acme", "s1"));
        Assert.Null(RefreshSigningKey.Unseal(box, unlock, publicKey, "acme", "s2"));
    }
}
