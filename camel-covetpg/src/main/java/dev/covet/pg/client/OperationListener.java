package dev.covet.pg.client;

/**
 * Told of every timed statement when it ends, and of every wait for a pooled connection, on the
 * thread that completed it (often an event loop: implementations must only record, never wait).
 * This is how the metrics binding observes the client without the client knowing any metrics
 * library.
 */
public interface OperationListener {

    /**
     * @param operation {@code query}, {@code batch}, {@code cursor open}, {@code copy in} or {@code copy out}
     * @param succeeded whether the statement succeeded
     * @param nanos     time from sending it to its end, waiting for a connection excluded
     * @param rows      rows returned, affected or copied (0 when it failed)
     */
    void finished(String operation, boolean succeeded, long nanos, long rows);

    /**
     * A wait for a pooled connection ended. A default, so that a listener interested only in
     * statements need not implement it.
     *
     * @param succeeded whether a connection was lent (false: acquireTimeout, full wait queue, connect failure)
     * @param nanos     time from asking the pool to its answer, opening a new connection included
     */
    default void acquired(boolean succeeded, long nanos) {
    }

    /**
     * An operation is tried again after a failure that allows it.
     *
     * @param operation as in {@link #finished}, or {@code connect} for a wait for a connection
     * @param reason    the SQLSTATE of the failure, else {@code no-connection} or {@code closed-connection}
     */
    default void retried(String operation, String reason) {
    }
}
