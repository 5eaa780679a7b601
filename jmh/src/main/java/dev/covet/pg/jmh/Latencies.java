package dev.covet.pg.jmh;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Every request's time during the measurement iterations, kept exactly (one long each). */
final class Latencies {
    private final long[] nanos = new long[1 << 22];
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    volatile boolean recording;

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

    String summary() {
        int n = Math.min(next.get(), nanos.length);
        if (n == 0) {
            return "no samples";
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        return String.format("n=%d p50=%.3f ms p95=%.3f ms p99=%.3f ms max=%.3f ms%s", n,
                ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 0.99), sorted[n - 1] / 1e6,
                dropped.get() > 0 ? " (" + dropped.get() + " not kept)" : "");
    }

    private static double ms(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
    }
}
