using SessionGrains.Bench.Load;

// Prepares a running silo for the validate benchmark and measures sign-in throughput on it.
// Usage: Load --url http://127.0.0.1:PORT[,http://127.0.0.1:PORT2,...] --operator-key KEY --lua FILE
//             [--tenant bench] [--sessions 1000] [--creates 20000] [--refreshes 0] [--concurrency 64] [--max-seconds 60]
//             [--terminates 0] [--bulk-size 100]   (terminations, one by one and in bulk, by the operator)
var options = LoadOptions.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await new LoadRun(options).RunAsync(cancel.Token);
