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
            if (OperatorKey.Refusal(auth.OperatorKey) is { } refusal)
            {
                throw new InvalidOperationException(refusal);
            }

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
            var terminal = System.Console.Error;
            terminal.WriteLine();
            terminal.WriteLine("  Generated operator key (shown once; only its hash is stored):");
            terminal.WriteLine($"    {key}");
            terminal.WriteLine("  To get a new one, start with --SessionGrains:Auth:ResetOperatorKey=true");
            terminal.WriteLine();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
