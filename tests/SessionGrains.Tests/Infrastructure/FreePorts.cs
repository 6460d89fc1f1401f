using System.Net;
using System.Net.Sockets;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>Ports nobody listens on right now, for hosts started by tests.</summary>
public static class FreePorts
{
    /// <summary><paramref name="count"/> different free ports.</summary>
    /// <remarks>
    /// Probed on any address because a PostgreSQL silo's port binds the host's own address, not
    /// loopback; the listeners stay open until all are chosen so the ports differ from each other.
    /// </remarks>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Any, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
