package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails operations at once while one server cannot be reached: after {@code threshold} failed
 * attempts to connect in a row it opens, and a probe every {@code probeInterval} closes it again
 * as soon as the server answers. Waiters would otherwise pile up, each for connectTimeout.
 */
final class CircuitBreaker {

    private static final Logger LOG = LoggerFactory.getLogger("dev.covet.pg.CircuitBreaker");

    private final Vertx vertx;
    private final String server;
    private final int threshold;
    private final long probeInterval;
    private final Supplier<Future<?>> probe;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean open;
    private volatile String lastFailure;
    private long probeTimer = -1;
    private boolean probing;

    CircuitBreaker(Vertx vertx, String server, int threshold, long probeInterval, Supplier<Future<?>> probe) {
        this.vertx = vertx;
        this.server = server;
        this.threshold = threshold;
        this.probeInterval = probeInterval;
        this.probe = probe;
    }

    boolean isOpen() {
        return open;
    }

    /** Consecutive failed attempts to connect, so far. */
    int failures() {
        return failures.get();
    }

    /** A connection was lent or opened: the server answers. Cheap when nothing failed before. */
    void succeeded() {
        if (open || failures.get() != 0) {
            close();
        }
    }

    /** An attempt to connect failed with {@code why}. */
    synchronized void failed(String why) {
        lastFailure = why;
        if (threshold > 0 && failures.incrementAndGet() >= threshold && !open) {
            open = true;
            LOG.warn("Circuit breaker for {} opened after {} failed attempts to connect in a row (last: {}); operations fail at once"
                    + " until a probe every {} ms reaches the server again", server, failures.get(), why, probeInterval);
            probeTimer = vertx.setPeriodic(probeInterval, id -> probeOnce());
        }
    }

    private synchronized void probeOnce() {
        if (!open || probing) {
            return;
        }
        probing = true;
        probe.get().onComplete(ar -> {
            synchronized (this) {
                probing = false;
            }
            if (ar.succeeded()) {
                close();
            } else {
                lastFailure = String.valueOf(ar.cause().getMessage());
            }
        });
    }

    private synchronized void close() {
        failures.set(0);
        if (open) {
            open = false;
            vertx.cancelTimer(probeTimer);
            probeTimer = -1;
            LOG.info("Circuit breaker for {} closed: the server answers again", server);
        }
    }

    /** What an operation fails with while the breaker is open. */
    CovetPgCircuitOpenException rejection() {
        return new CovetPgCircuitOpenException("Not trying " + server + ": its circuit breaker is open after " + failures.get()
                + " failed attempts to connect in a row (last: " + lastFailure + "); a probe every " + probeInterval
                + " ms closes it when the server answers (circuitBreakerThreshold=" + threshold + ", 0 turns it off)");
    }

    /** open, or closed with the failures counted so far; for health checks and the console. */
    String state() {
        return open ? "open" : "closed";
    }

    String lastFailure() {
        return lastFailure;
    }

    synchronized void stop() {
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
            probeTimer = -1;
        }
    }
}
