using Microsoft.Extensions.Options;
using SessionGrains.Grains.Security;
using SessionGrains.Security;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Puts the operator key in force once the silo runs: the configured one, or in Development,
/// when none is configured, one generated and stored hashed, whose clear text is printed once
/// to the console's standard error (never to a log, nor into the log stream on standard output).
/// </summary>
internal sealed class OperatorKeyBootstrap(
    IOptions<SessionGrainsOptions> options, IHostEnvironment environment, IGrainFactory grains, OperatorKey operatorKey)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var auth = options.Value.Auth;
        if (!string.IsNullOrWhiteSpace(auth.OperatorKey))
        {
            EnsureNotAPlaceholder(auth.OperatorKey);
            operatorKey.Set(Secrets.Hash(auth.OperatorKey));
            return;
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "No operator key: set SessionGrains__Auth__OperatorKey (outside Development none is generated).");
        }

        var generated = await grains.GetGrain<IOperatorKeyGrain>(IOperatorKeyGrain.Key).Ensure(auth.ResetOperatorKey);
        operatorKey.Set(generated.Hash);
        if (generated.NewKey is { } key)
        {
            // For the person at the terminal, on standard error: standard output is the log
            // stream, one JSON record a line with the production profile's formatter.
            var terminal = Console.Error;
            terminal.WriteLine();
            terminal.WriteLine("  Generated operator key (shown once; only its hash is stored):");
            terminal.WriteLine($"    {key}");
            terminal.WriteLine("  To get a new one, start with --SessionGrains:Auth:ResetOperatorKey=true");
            terminal.WriteLine();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The key that opens every tenant must not be one anybody can guess: a deployment applied
    /// with the manifests' placeholder (<see cref="Placeholder"/>) or with a short key stops here,
    /// instead of running with a key written in the repository.
    /// </summary>
    private static void EnsureNotAPlaceholder(string key)
    {
        if (key.Contains(Placeholder, StringComparison.OrdinalIgnoreCase) || key.Length < MinimumLength)
        {
            throw new InvalidOperationException(
                $"SessionGrains__Auth__OperatorKey is a placeholder or shorter than {MinimumLength} characters: set a random key (e.g. sgo. and 64 hex digits).");
        }
    }

    /// <summary>What the k8s/ secret files hold until someone replaces them.</summary>
    public const string Placeholder = "REPLACE-ME";

    /// <summary>The shortest configured operator key accepted.</summary>
    public const int MinimumLength = 32;
}
