package dev.covet.pg.client;

/**
 * Told of every timed statement when it ends, on the thread that completed it (often an event
 * loop: implementations must only record, never wait). This is how the metrics binding observes
 * the client without the client knowing any metrics library.
 */
public interface OperationListener {

    /**
     * @param operation {@code query}, {@code batch} or {@code cursor open}
     * @param succeeded whether the statement succeeded
     * @param nanos     time from sending it to its end, waiting for a connection excluded
     * @param rows      rows returned or affected (0 when it failed)
     */
    void finished(String operation, boolean succeeded, long nanos, long rows);
}
