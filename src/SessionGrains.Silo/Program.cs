using SessionGrains.Silo.Health;
using SessionGrains.Silo.Hosting;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args, Console.Error);
}

var app = await SiloApp.CreateAsync(args);
await app.RunAsync();
return 0;
