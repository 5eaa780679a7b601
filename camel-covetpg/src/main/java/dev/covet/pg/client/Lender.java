package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Lends the connections of every server's pool, one per operation, within acquireTimeout and past
 * an open circuit breaker, and counts what it lends: in use, waiting, lent and timed out since
 * start (the component's pool statistics).
 */
final class Lender {

    private final Vertx vertx;
    private final ClientSettings settings;
    private final Cluster cluster;
    private final Reports reports;
    /** Moves work onto the client's event loop (see {@link PgClient#onEventLoop}). */
    private final Function<Supplier<Future<Lease>>, Future<Lease>> onEventLoop;

    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong acquired = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();

    Lender(Vertx vertx, ClientSettings settings, Cluster cluster, Reports reports,
           Function<Supplier<Future<Lease>>, Future<Lease>> onEventLoop) {
        this.vertx = vertx;
        this.settings = settings;
        this.cluster = cluster;
        this.reports = reports;
        this.onEventLoop = onEventLoop;
    }

    /**
     * Asks {@code node}'s pool for a connection, waiting at most acquireTimeout; failures come
     * translated, and tell the breaker and the cluster.
     *
     * <p>The time limit is enforced here, not by the Vert.x pool: Vert.x 4.5 can hand a returned
     * connection to a waiter whose timeout fires at the same moment, and that connection is then
     * lost to the pool for good (fixed upstream in 5.0.8, not in 4.5). Here a connection that
     * arrives after its caller gave up goes straight back to the pool.
     */
    Future<Lease> acquire(Node node) {
        return acquire(node, settings.acquireTimeout());
    }

    /** As {@link #acquire(Node)}, waiting at most {@code limit} ms (0: no limit). */
    Future<Lease> acquire(Node node, long limit) {
        if (io.vertx.core.Vertx.currentContext() == null) {
            return onEventLoop.apply(() -> acquire(node, limit));
        }
        if (node.breaker.isOpen()) {
            return afterBreakerCloses(node, limit);
        }
        waiting.incrementAndGet();
        long asked = System.nanoTime();
        Promise<Lease> result = Promise.promise();
        result.future().onComplete(ar -> {
            waiting.decrementAndGet();
            reports.acquired(ar.succeeded(), System.nanoTime() - asked);
        });
        Future<SqlConnection> lent = node.pool.getConnection();
        // an idle connection comes at once, on this event loop: no timer to arm and cancel then
        long timer = limit > 0 && !lent.isComplete() ? vertx.setTimer(limit, id -> {
            if (result.tryFail(PgErrors.poolExhausted(node.settings, statistics()))) {
                timeouts.incrementAndGet();
            }
        }) : -1;
        lent.onComplete(ar -> {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            if (ar.failed()) {
                CovetPgException failure = PgErrors.translate(ar.cause(), node.settings, "waiting for a connection");
                if (failure instanceof CovetPgPoolExhaustedException) {
                    timeouts.incrementAndGet();
                } else if (failure instanceof CovetPgConnectionException) {
                    node.breaker.failed(failure.getMessage());
                    cluster.refresh();
                }
                result.tryFail(failure);
                return;
            }
            node.breaker.succeeded();
            inUse.incrementAndGet();
            acquired.incrementAndGet();
            Lease lease = Lease.own(ar.result(), node, vertx, inUse::decrementAndGet);
            if (!result.tryComplete(lease)) {
                lease.release(); // its caller stopped waiting: back to the pool, not lost
                acquired.decrementAndGet();
            }
        });
        return result.future();
    }

    /**
     * Waits for {@code node}'s open circuit breaker to close (a probe reached the server), then
     * asks for a connection with what is left of {@code limit}; fails with the breaker's
     * rejection when {@code limit} runs out first. With no limit the operation's commandTimeout,
     * if any, bounds the wait.
     */
    private Future<Lease> afterBreakerCloses(Node node, long limit) {
        long asked = System.nanoTime();
        Promise<Void> closed = Promise.promise();
        long timer = limit > 0 ? vertx.setTimer(limit, id -> closed.tryFail(node.breaker.rejection())) : -1;
        node.breaker.whenClosed().onSuccess(closed::tryComplete).onFailure(closed::tryFail);
        return closed.future().compose(v -> {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            long waited = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
            long left = limit > 0 ? Math.max(1, limit - waited) : 0;
            return acquire(node, left);
        });
    }

    /** The pools of every server together (maxPoolSize applies to each server's pool). */
    PoolStatistics statistics() {
        int size = 0;
        for (Node node : cluster.nodes()) {
            size += node.pool.size();
        }
        int used = inUse.get();
        int waiters = waiting.get();
        // the pool's size counts connections still being opened: while anyone waits, none is idle
        int idle = waiters > 0 ? 0 : Math.max(0, size - used);
        return new PoolStatistics(size, used, idle, waiters, settings.maxPoolSize() * cluster.nodes().size(), acquired.get(), timeouts.get());
    }
}
