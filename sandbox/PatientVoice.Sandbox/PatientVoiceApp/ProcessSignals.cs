using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PatientVoice.Sandbox.PatientVoiceApp;

/// <summary>Asks a child process to stop as Ctrl-C would (SIGTERM on Unix), so it shuts down cleanly; Windows has no such signal.</summary>
internal static partial class ProcessSignals
{
    private const int SigTerm = 15;

    /// <summary>True when the request was sent; false when only a kill can stop it.</summary>
    public static bool RequestStop(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        return Kill(process.Id, SigTerm) == 0;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
