package dev.covet.pg.client;

import dev.covet.pg.wire.SocketAccess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection lent by the pool of one server, or a share of one (see {@link Pipeline}), given
 * back exactly once. It knows where the statement on it is, so that a commandTimeout can cancel
 * it, and whether the connection may be lent again: one that a cancel may still reach, or whose
 * session was changed, is closed instead.
 */
final class Lease {

    /** Where the statement on the connection is, as a commandTimeout sees it. */
    enum InFlight { NONE, RUNNING, SUCCEEDED, FAILED }

    private final SqlConnection connection;
    private final Node node;
    private final Vertx vertx;
    /** Runs once, when the lease is given back: the pool's count of connections in use, or the share's end. */
    private final Runnable onRelease;
    /** A share of a connection that a {@link Pipeline} holds: giving it back leaves the connection open. */
    private final boolean share;
    private final AtomicBoolean released = new AtomicBoolean();
    private InFlight state = InFlight.NONE;
    private boolean cancelSent;
    /** A cancel may still be on its way to the backend, or the connection is in a state no one should inherit. */
    private boolean dropOnRelease;
    /** What a cancel request waits for before it leaves (a pipelined BEGIN's answer, see {@link #cancelAfter}), or null. */
    private Future<?> cancelsWaitFor;

    private Lease(SqlConnection connection, Node node, Vertx vertx, Runnable onRelease, boolean share) {
        this.connection = connection;
        this.node = node;
        this.vertx = vertx;
        this.onRelease = onRelease;
        this.share = share;
    }

    /** A connection of its own, closed (given back to the pool) on release. */
    static Lease own(SqlConnection connection, Node node, Vertx vertx, Runnable onRelease) {
        return new Lease(connection, node, vertx, onRelease, false);
    }

    /** A share of a connection a pipeline holds; release only tells the pipeline. */
    static Lease share(SqlConnection connection, Node node, Vertx vertx, Runnable onRelease) {
        return new Lease(connection, node, vertx, onRelease, true);
    }

    SqlConnection connection() {
        return connection;
    }

    Future<Void> release() {
        if (!released.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        onRelease.run();
        if (share) {
            return Future.succeededFuture();
        }
        if (mustDrop()) {
            // given back only once closed, so the pool has dropped it and cannot lend it again
            Promise<Void> dropped = Promise.promise();
            io.netty.channel.ChannelFuture closed = closeSocket();
            if (closed == null) {
                return connection.close();
            }
            closed.addListener(f -> connection.close().onComplete(dropped));
            return dropped.future();
        }
        return connection.close();
    }

    /**
     * Holds the connection's cancel requests until {@code command} has its answer: a cancel that
     * reached a BEGIN instead of the statement written behind it would let that statement run
     * outside the transaction.
     */
    synchronized void cancelAfter(Future<?> command) {
        cancelsWaitFor = command;
    }

    /** Asks the server to cancel what runs on the connection, once nothing it must not reach is in flight. */
    private void sendCancel() {
        if (!(connection instanceof PgConnection pg)) {
            return;
        }
        Future<?> first = cancelsWaitFor;
        if (first == null || first.isComplete()) {
            pg.cancelRequest();
        } else {
            first.onComplete(ar -> pg.cancelRequest());
        }
    }

    /** A statement has been handed to the driver on this connection. */
    synchronized void started() {
        state = InFlight.RUNNING;
    }

    /**
     * The statement ended ({@code failure} null on success). When a cancel was sent and did not
     * end it (no SQLSTATE 57014), the request may still reach the backend later and cancel
     * whatever its next user runs: the connection is then dropped, never lent again.
     */
    synchronized void ended(Throwable failure) {
        state = failure == null ? InFlight.SUCCEEDED : InFlight.FAILED;
        if (cancelSent && !(failure instanceof io.vertx.pgclient.PgException pg && "57014".equals(pg.getSqlState()))) {
            dropOnRelease = true;
        }
    }

    /**
     * Cancels the statement in flight, if one is, and says where it was. A statement that does
     * not stop within connectTimeout (10 s when that is 0) of the cancel (a half-open connection)
     * has its connection closed, which ends it here too.
     */
    synchronized InFlight cancelIfRunning() {
        if (state == InFlight.RUNNING) {
            cancelSent = true;
            sendCancel();
            long grace = node.settings.connectTimeout() > 0 ? node.settings.connectTimeout() : 10_000;
            vertx.setTimer(grace, id -> {
                if (stillRunning()) {
                    closeSocket();
                }
            });
        }
        return state;
    }

    /**
     * Gives up on whatever runs on the connection now (a caller stopped waiting for it): cancels
     * it on the server and drops the connection when it is given back.
     */
    synchronized void abandon() {
        cancelSent = true;
        dropOnRelease = true;
        sendCancel();
    }

    private synchronized boolean stillRunning() {
        return state == InFlight.RUNNING;
    }

    private synchronized boolean mustDrop() {
        return dropOnRelease;
    }

    /** Has the connection closed when it is given back, never lent again (its session was changed). */
    synchronized void drop() {
        dropOnRelease = true;
    }

    /** Whether the connection will be dropped, not lent again, when it is given back. */
    synchronized boolean dropsOnRelease() {
        return dropOnRelease;
    }

    /** Closes the connection's socket; null when it cannot be reached (then it is closed already). */
    private io.netty.channel.ChannelFuture closeSocket() {
        try {
            return SocketAccess.pipeline(connection).channel().close();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
