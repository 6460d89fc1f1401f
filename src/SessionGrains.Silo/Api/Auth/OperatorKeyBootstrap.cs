using Microsoft.Extensions.Options;
using SessionGrains.Grains.Security;
using SessionGrains.Security;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Puts the operator key in force once the silo runs: the configured one, or in Development,
/// when none is configured, one generated and stored hashed, whose clear text is printed once
/// to the console (never to a log).
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
            Console.WriteLine();
            Console.WriteLine("  Generated operator key (shown once; only its hash is stored):");
            Console.WriteLine($"    {key}");
            Console.WriteLine("  To get a new one, start with --SessionGrains:Auth:ResetOperatorKey=true");
            Console.WriteLine();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
