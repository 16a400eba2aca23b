import Foundation

public enum ResourceUsage {
    /// Peak resident set size of this process in MiB (VmHWM), the figure benchmarks report.
    public static func peakRSSMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}

extension ResourceUsage {
    /// Starts a new peak: Linux resets VmHWM to the current RSS on "5" written to
    /// /proc/self/clear_refs (since 4.0), so runs done one after another in one process
    /// (`mtstc compare`) each report their own peak rather than the largest so far. Best effort:
    /// elsewhere the peak stays the process's.
    public static func resetPeakRSS() {
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }
}
