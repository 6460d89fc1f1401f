namespace SessionGrains.Tests.Infrastructure;

/// <summary>The three ports one silo listens on: HTTP, silo-to-silo and client gateway.</summary>
public sealed record SiloPorts(int Http, int Silo, int Gateway)
{
    public static SiloPorts Free()
    {
        var ports = FreePorts.Take(3);
        return new SiloPorts(ports[0], ports[1], ports[2]);
    }
}
