using System.Net;
using System.Net.Sockets;

namespace PatientVoice.Testing;

/// <summary>
/// A loopback port nothing listens on right now (the kernel's pick, released at once), for servers whose URL
/// must be known before they start, and for a "closed port" that refuses connections.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
