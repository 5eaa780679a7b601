package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops connection storms while one server cannot be reached: after {@code threshold} failed
 * attempts to connect in a row it opens, and then only a probe every {@code probeInterval} tries
 * to connect; it closes as soon as the server answers. Operations meanwhile wait for it to close,
 * within their own budget (acquireTimeout, commandTimeout), instead of each trying to connect:
 * a server that restarts in two seconds costs them two seconds, not a failure.
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
    /** Operations waiting for the breaker to close. */
    private final java.util.List<io.vertx.core.Promise<Void>> waiting = new java.util.ArrayList<>();

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

    /** Completes when the breaker is closed: at once when it is, else when a probe reaches the server. */
    synchronized Future<Void> whenClosed() {
        if (!open) {
            return Future.succeededFuture();
        }
        io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
        waiting.add(p);
        return p.future();
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

    private void close() {
        java.util.List<io.vertx.core.Promise<Void>> released;
        synchronized (this) {
            failures.set(0);
            if (!open) {
                return;
            }
            open = false;
            vertx.cancelTimer(probeTimer);
            probeTimer = -1;
            released = new java.util.ArrayList<>(waiting);
            waiting.clear();
            LOG.info("Circuit breaker for {} closed: the server answers again", server);
        }
        released.forEach(io.vertx.core.Promise::tryComplete); // outside the lock: they go on to connect
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
        waiting.forEach(p -> p.tryFail(rejection()));
        waiting.clear();
    }
}
