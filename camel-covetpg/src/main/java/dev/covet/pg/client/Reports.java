package dev.covet.pg.client;

import io.vertx.core.Future;
import io.vertx.sqlclient.RowSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the client tells what it did: every statement's end to the slow-query log and the
 * {@link OperationListener} (the metrics), every wait for a connection and every retry to the
 * listener, retries also to the {@code dev.covet.pg.Retry} log.
 */
final class Reports {

    private static final Logger RETRY_LOG = LoggerFactory.getLogger("dev.covet.pg.Retry");

    private final SlowQueryLog slowQueries;
    private final int maxRetries;
    private volatile OperationListener listener;
    private final AtomicLong retries = new AtomicLong();
    /** Statements a replica refused as writes, each warned about once. */
    private final Set<String> writersOnReplica = ConcurrentHashMap.newKeySet();

    Reports(ClientSettings settings) {
        this.slowQueries = new SlowQueryLog(settings.monitor().slowQueryThreshold(), settings.target());
        this.maxRetries = settings.resilience().maxRetries();
    }

    void setListener(OperationListener listener) {
        this.listener = listener;
    }

    /**
     * A statement's future, timed from now (the connection is already held, so waiting for the
     * pool does not count: that is what the pool warnings report).
     */
    <T> Future<T> timed(String operation, String origin, String sql, Supplier<Future<T>> statement) {
        long started = System.nanoTime();
        Future<T> future = statement.get();
        future.onComplete(ar -> finished(operation, origin, sql, System.nanoTime() - started, ar.succeeded() ? ar.result() : null,
                ar.succeeded()));
        return future;
    }

    /** One statement's end; {@code result} gives the row count. */
    void finished(String operation, String origin, String sql, long nanos, Object result, boolean succeeded) {
        slowQueries.finished(operation, origin, sql, nanos, succeeded);
        OperationListener l = listener;
        if (l != null) {
            l.finished(operation, succeeded, nanos, rows(result));
        }
    }

    /** A wait for a connection ended, with one ({@code succeeded}) or without. */
    void acquired(boolean succeeded, long nanos) {
        OperationListener l = listener;
        if (l != null) {
            l.acquired(succeeded, nanos);
        }
    }

    /**
     * An operation runs again after {@code cause}: counted, told to the listener and logged (a
     * replaced closed connection at debug, a rerun on the primary not at all: it warns once, see
     * {@link #writerOnReplica}).
     *
     * @param server where it failed, or null
     * @param retry  the retry's number among those maxRetries bounds
     * @param detail what was being done, for the log ("while ...")
     */
    void retried(String operation, Throwable cause, Retry.Kind kind, Object server, int retry, long waitMillis, String detail) {
        count(operation, cause, kind);
        if (kind == Retry.Kind.NOT_SENT) {
            RETRY_LOG.debug("Replacing a closed connection to {} while {}", server == null ? "" : server, detail);
        } else if (kind != Retry.Kind.TO_PRIMARY) {
            RETRY_LOG.info("Retry {} of {} in {} ms while {}, after: {}", retry, maxRetries, waitMillis, detail, cause.getMessage());
        }
    }

    /** A bulk operation (batch, copy) run again from its start by its producer, after {@code cause}. */
    void bulkRetried(String operation, Throwable cause, int retry, long waitMillis) {
        count(operation, cause, Retry.classify(cause, false, true));
        RETRY_LOG.info("Retry {} of {} in {} ms of covetpg:{}, after: {}", retry, maxRetries, waitMillis, operation, cause.getMessage());
    }

    private void count(String operation, Throwable cause, Retry.Kind kind) {
        retries.incrementAndGet();
        OperationListener l = listener;
        if (l != null) {
            l.retried(operation, Retry.reason(cause, kind));
        }
    }

    /** A replica refused {@code what} as a write; warned about once per statement. */
    void writerOnReplica(String what) {
        if (writersOnReplica.size() < 1000 && writersOnReplica.add(what)) {
            RETRY_LOG.warn("A replica refused to write (SQLSTATE 25006) while {}; it runs on the primary instead, one round trip"
                    + " later each time: give its endpoint readFrom=primary", what);
        }
    }

    long totalRetries() {
        return retries.get();
    }

    List<SlowQuery> recentSlowQueries() {
        return slowQueries.recent();
    }

    private static long rows(Object result) {
        if (result instanceof QueryResult q) {
            return q.rowCount();
        }
        if (result instanceof Number affected) {
            return affected.longValue();
        }
        long total = 0;
        if (result instanceof RowSet<?> first) {
            for (RowSet<?> r = first; r != null; r = r.next()) {
                total += r.rowCount();
            }
        }
        return total;
    }
}
