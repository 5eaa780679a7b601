package dev.covet.pg.jmh;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every request's time during the measurement iterations, kept exactly (one long each), and the
 * CPU time the benchmark JVM spent over them: CPU per request is the client's cost, which the
 * host's noise disturbs far less than the rate does (the server runs in processes of its own).
 */
final class Latencies {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private final long[] nanos = new long[1 << 22];
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean recording;
    private long cpuNanos;
    private long cpuSince = -1;
    /** The CPU split (user, kernel, machine, context switches) over the same iterations. */
    private final SystemCpu split = new SystemCpu();

    /** Records from now on (a measurement iteration) or no longer (warm-up). */
    synchronized void recording(boolean on) {
        if (on && cpuSince < 0) {
            cpuSince = OS.getProcessCpuTime();
        } else if (!on && cpuSince >= 0) {
            cpuNanos += OS.getProcessCpuTime() - cpuSince;
            cpuSince = -1;
        }
        split.recording(on);
        recording = on;
    }

    void record(long n) {
        if (!recording) {
            return;
        }
        int i = next.getAndIncrement();
        if (i < nanos.length) {
            nanos[i] = n;
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Requests recorded so far (during measurement iterations). */
    long count() {
        return Math.min(next.get(), nanos.length) + dropped.get();
    }

    synchronized String summary() {
        int n = Math.min(next.get(), nanos.length);
        if (n == 0) {
            return "no samples";
        }
        long cpu = cpuNanos + (cpuSince >= 0 ? OS.getProcessCpuTime() - cpuSince : 0);
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        return String.format("n=%d p50=%.3f ms p95=%.3f ms p99=%.3f ms max=%.3f ms, client CPU %.1f us per request%s", n,
                ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 0.99), sorted[n - 1] / 1e6, cpu / 1e3 / (n + dropped.get()),
                dropped.get() > 0 ? " (" + dropped.get() + " not kept)" : "") + "; " + split.summary(count());
    }

    private static double ms(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
    }
}
