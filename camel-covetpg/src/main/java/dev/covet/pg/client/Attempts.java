package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One operation outside a transaction, tried until it succeeds, fails in a way {@link Retry}
 * does not retry, runs out of retries, or runs out of time. Runs on the client's event loop.
 */
final class Attempts<T> {

    private final PgClient client;
    private final String operation;
    private final Supplier<String> what;
    private final ReadFrom readFrom;
    private final boolean repeatable;
    private final Function<Lease, Future<T>> work;
    private final Promise<T> result;
    private final long deadline;
    private final AtomicReference<Lease> held;
    /** Retries of every kind, as reported. */
    private volatile int retries;
    /** Retries after a backoff, which maxRetries bounds (replaced connections and reruns on the primary do not count). */
    private int backedOff;
    private int maxRetries;
    private int replaced;
    private boolean toPrimary;
    /** Whether it may run on a connection shared with other statements (see {@link Pipeline}). */
    private boolean pipelined;

    /**
     * @param readFrom   where it may run; null for the component's readFrom
     * @param repeatable whether running it again is harmless even if it took effect
     * @param work       runs on a lent connection and gives it back (or hands it on)
     * @param timeout    ms for all attempts together, 0 for no limit
     * @param held       set to the connection of the attempt in flight, for a cancel
     */
    Attempts(PgClient client, String operation, Supplier<String> what, ReadFrom readFrom, boolean repeatable,
             Function<Lease, Future<T>> work, Promise<T> result, long timeout, AtomicReference<Lease> held) {
        this.client = client;
        this.operation = operation;
        this.what = what;
        this.readFrom = readFrom == null ? client.settings().resilience().readFrom() : readFrom;
        this.repeatable = repeatable;
        this.work = work;
        this.result = result;
        this.deadline = timeout > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout) : 0;
        this.held = held;
        this.maxRetries = client.settings().resilience().maxRetries();
    }

    /** Fails at the first failure to connect: for callers that retry the whole operation themselves. */
    Attempts<T> once() {
        maxRetries = 0;
        return this;
    }

    /** Lets it run on a connection shared with other statements. */
    Attempts<T> pipelined(boolean pipelined) {
        this.pipelined = pipelined;
        return this;
    }

    int retries() {
        return retries;
    }

    void next() {
        if (result.future().isComplete()) {
            return;
        }
        Node node;
        try {
            node = toPrimary || readFrom == ReadFrom.PRIMARY ? client.cluster().primary() : client.cluster().reader(readFrom);
        } catch (CovetPgException e) {
            failed(e, null);
            return;
        }
        client.lend(node, pipelined).compose(lease -> {
            held.set(lease);
            if (result.future().isComplete()) {
                lease.release();
                return Future.<T>failedFuture("finished");
            }
            return work.apply(lease);
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                result.tryComplete(ar.result());
            } else {
                failed(ar.cause(), node);
            }
        });
    }

    private void failed(Throwable cause, Node node) {
        if (result.future().isComplete()) {
            return;
        }
        ClientSettings settings = client.settings();
        boolean onReplica = node != null && node.role == Node.Role.REPLICA;
        Retry.Kind kind = Retry.classify(cause, onReplica, repeatable);
        ClientSettings server = node == null ? settings : node.settings;
        if (kind == Retry.Kind.NOT_SENT && replaced++ <= settings.maxPoolSize()) {
            // every pooled connection may be dead (the server restarted): replace each one at once
            retry(0, cause, kind, node);
            return;
        }
        if (kind == Retry.Kind.TO_PRIMARY && !toPrimary) {
            toPrimary = true;
            client.reports().writerOnReplica(what.get());
            retry(0, cause, kind, node);
            return;
        }
        if (kind == Retry.Kind.LOST) {
            result.tryFail(new CovetPgUnknownOutcomeException("The connection to " + server.target()
                    + " was lost after the statement was sent, while " + what.get() + ": it may or may not have taken effect,"
                    + " so it was not retried; check the data before running it again", cause));
            return;
        }
        if (kind != Retry.Kind.FINAL && backedOff < maxRetries) {
            backedOff++;
            long wait = settings.resilience().backoff(backedOff);
            if (deadline == 0 || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait) < deadline) {
                retry(wait, cause, kind, node);
                return;
            }
        }
        // the count goes on the exception, so that every message ends with it: one of the server's,
        // a lost connection's ("... closed while ...; the server may have restarted") or no primary's
        CovetPgException failure = PgErrors.translate(cause, server, what.get());
        failure.gaveUpAfter(retries);
        result.tryFail(failure);
    }

    private void retry(long wait, Throwable cause, Retry.Kind kind, Node node) {
        retries++;
        client.reports().retried(operation, cause, kind, node == null ? null : node.address, backedOff, wait, what.get());
        if (wait <= 0) {
            next();
        } else {
            client.vertx().setTimer(wait, id -> next());
        }
    }
}
