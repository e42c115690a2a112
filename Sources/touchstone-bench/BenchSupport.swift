import Foundation

// What every benchmark measures with: one definition each.

extension Duration {
    /// The duration in seconds, as a Double for rates and ratios.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// CPU seconds on `clock` (`CLOCK_THREAD_CPUTIME_ID`, `CLOCK_PROCESS_CPUTIME_ID`):
/// on a shared machine wall time swings with other processes' load, CPU time barely does.
func cpuSeconds(_ clock: clockid_t) -> Double {
    var spec = timespec()
    clock_gettime(clock, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
