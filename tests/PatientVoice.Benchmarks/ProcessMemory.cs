using System.Globalization;

namespace PatientVoice.Benchmarks;

/// <summary>What the kernel says about another process's memory (/proc/[pid]/status), in KiB.</summary>
internal static class ProcessMemory
{
    /// <summary>Resident memory now (VmRSS).</summary>
    public static long ResidentKiB(int processId) => Field(processId, "VmRSS");

    /// <summary>The kernel's peak resident memory since start or the last <see cref="ResetPeak"/> (VmHWM).</summary>
    public static long PeakKiB(int processId) => Field(processId, "VmHWM");

    /// <summary>Resets the process's peak-RSS mark (VmHWM) so it measures from now; false when the kernel refuses.</summary>
    public static bool ResetPeak(int processId)
    {
        try
        {
            File.WriteAllText($"/proc/{processId}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Field(int processId, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
