using System.Diagnostics;
using System.Globalization;
using SessionGrains.Grains.Security;

// Each path as the grain and the HTTP edge run it, in a bounded loop; microseconds per operation.
var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
const string tenant = "acme";
const string session = "Qm9vbGVhbkRhbmNlMjAyNg";

using var key = RefreshSigningKey.Create();
var publicKey = key.PublicKey();
var current = RefreshToken.New(tenant, session, 0, key);
var sealedKey = key.Seal(current.UnlockKey(), tenant, session);

Measure("before: unsigned pair (issue + hash, access and refresh)", () =>
{
    _ = BearerSecret.New(SecretKind.AccessToken, tenant, session).Hash();
    _ = BearerSecret.New(SecretKind.RefreshToken, tenant, session).Hash();
});

Measure("edge: parse a signed refresh token and derive its proof", () =>
{
    RefreshToken.TryParse(current.Encode(), out var parsed);
    _ = parsed.Proof();
});

var generation = 0L;
Measure("grain: refresh (unseal, sign next, seal, access token)", () =>
{
    var proof = current.Proof();
    using var unsealed = RefreshSigningKey.Unseal(sealedKey, proof.UnlockKey, publicKey, tenant, session)!;
    var next = RefreshToken.New(tenant, session, ++generation, unsealed);
    _ = next.Hash();
    sealedKey = unsealed.Seal(next.UnlockKey(), tenant, session);
    _ = BearerSecret.New(SecretKind.AccessToken, tenant, session).Hash();
    current = next;
});

Measure("grain: warm refresh (key held: open box, sign next, seal, access token)", () =>
{
    var proof = current.Proof();
    _ = RefreshSigningKey.Unseal(sealedKey, proof.UnlockKey, publicKey, tenant, session, key)!;
    var next = RefreshToken.New(tenant, session, ++generation, key);
    _ = next.Hash();
    sealedKey = key.Seal(next.UnlockKey(), tenant, session);
    _ = BearerSecret.New(SecretKind.AccessToken, tenant, session).Hash();
    current = next;
});

Measure("grain: first refresh (new key, sign, seal)", () =>
{
    using var created = RefreshSigningKey.Create();
    _ = created.PublicKey();
    var token = RefreshToken.New(tenant, session, 0, created);
    _ = created.Seal(token.UnlockKey(), tenant, session);
});

var fixedProof = current.Proof();
var fixedSealed = sealedKey;
Measure("  part: unseal (AES-GCM open, import private key)", () =>
    RefreshSigningKey.Unseal(fixedSealed, fixedProof.UnlockKey, publicKey, tenant, session)!.Dispose());
Measure("  part: sign one token", () => _ = RefreshToken.New(tenant, session, 1, key));
Measure("  part: seal (export private key, AES-GCM)", () => _ = key.Seal(fixedProof.UnlockKey, tenant, session));
Measure("  part: proof at the edge (SHA-256, HKDF)", () => _ = current.Proof());

var old = current.Proof();
Measure("grain: recognise a rotated-away token (verify)", () =>
    _ = RefreshSigningKey.Verify(publicKey, tenant, session, old.Generation, old.SecretHash, old.Signature));

void Measure(string name, Action operation)
{
    for (var i = 0; i < Math.Min(200, iterations); i++)
    {
        operation();
    }

    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++)
    {
        operation();
    }

    var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / iterations;
    Console.WriteLine(FormattableString.Invariant(
        $"{name,-60} {wall.Elapsed.TotalMicroseconds / iterations,8:F1} us wall {cpuUs,8:F1} us cpu per op ({iterations} ops)"));
}
