using System.Net;
using System.Net.Sockets;

namespace PatientVoice.Web.Tests.Operations;

/// <summary>
/// An EHR that accepts connections on a loopback port and never answers, so a write-back to it stays in flight (its
/// outbox claim held) for as long as the client waits. Counts the connections it accepted.
/// </summary>
internal sealed class SilentEhr : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public SilentEhr()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string FhirBase => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/fhir";

    public int Connections => Volatile.Read(ref _connections);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(client);
                }

                Interlocked.Increment(ref _connections);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
