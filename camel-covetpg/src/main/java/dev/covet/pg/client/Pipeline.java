package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The pooled connections of one server that plain statements share while pipelining is on: a
 * statement goes to the shared connection with the fewest statements in flight, and another
 * connection is borrowed (up to half of maxPoolSize, so batch, COPY, cursors and transactions
 * still find connections) only when all are busy. A connection goes back to the pool as soon
 * as nothing is in flight on it, so an idle client holds none.
 */
final class Pipeline {

    private final Node node;
    private final Vertx vertx;
    /** Borrows a connection of {@link #node}'s pool, as any statement would. */
    private final Function<Node, Future<Lease>> acquire;
    private final int maxShared;
    private final int pipeliningLimit;
    private final List<Shared> held = new ArrayList<>();
    /** Connections being borrowed for sharing; statements that find no room wait for one of them. */
    private final List<Future<Lease>> borrowing = new ArrayList<>();

    Pipeline(Node node, Vertx vertx, ClientSettings settings, Function<Node, Future<Lease>> acquire) {
        this.node = node;
        this.vertx = vertx;
        this.acquire = acquire;
        this.maxShared = Math.max(1, settings.maxPoolSize() / 2);
        this.pipeliningLimit = settings.pipeliningLimit();
    }

    /** A lease on a shared connection; one of its own when every shared one is full. */
    Future<Lease> lease() {
        Promise<Lease> borrow;
        Future<Lease> pending;
        synchronized (this) {
            Shared least = null;
            for (Shared shared : held) {
                if (least == null || shared.inFlight < least.inFlight) {
                    least = shared;
                }
            }
            if ((least == null || least.inFlight > 0) && held.size() + borrowing.size() < maxShared) {
                // registered under the lock, so a statement that finds no room waits for this one
                borrow = Promise.promise();
                borrowing.add(borrow.future());
                pending = null;
            } else if (least != null && least.inFlight < pipeliningLimit) {
                least.inFlight++;
                return Future.succeededFuture(shareOf(least));
            } else {
                borrow = null;
                pending = borrowing.isEmpty() ? null : borrowing.get(0);
            }
        }
        if (borrow == null) {
            if (pending != null) {
                return pending.transform(ar -> lease()); // share a connection on its way
            }
            return acquire.apply(node); // every shared connection is full
        }
        acquire.apply(node).onComplete(ar -> {
            Lease lease = null;
            synchronized (this) {
                borrowing.remove(borrow.future());
                if (ar.succeeded()) {
                    Shared shared = new Shared(ar.result());
                    shared.inFlight = 1;
                    held.add(shared);
                    lease = shareOf(shared);
                }
            }
            if (lease != null) {
                borrow.complete(lease); // outside the lock: the statement runs in this call
            } else {
                borrow.fail(ar.cause());
            }
        });
        return borrow.future();
    }

    private Lease shareOf(Shared shared) {
        return Lease.share(shared.lease.connection(), node, vertx, () -> done(shared));
    }

    private void done(Shared shared) {
        synchronized (this) {
            if (--shared.inFlight == 0) {
                held.remove(shared);
                // given back under the lock, so no borrow decided meanwhile counts it as still
                // lent: at most maxShared connections are ever held (the close itself is async)
                shared.lease.release();
            }
        }
    }

    /** A pooled connection shared by the pipeline, with the statements in flight on it. */
    private static final class Shared {
        final Lease lease;
        int inFlight;

        Shared(Lease lease) {
            this.lease = lease;
        }
    }
}
