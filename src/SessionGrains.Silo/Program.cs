using SessionGrains.Silo.Hosting;

var app = await SiloApp.CreateAsync(args);
await app.RunAsync();
