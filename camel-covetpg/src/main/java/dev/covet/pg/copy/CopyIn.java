package dev.covet.pg.copy;

import io.vertx.sqlclient.SqlConnection;
import java.io.InterruptedIOException;

/** COPY ... FROM STDIN on a Vert.x connection. */
public final class CopyIn {

    private CopyIn() {
    }

    /**
     * Sends {@code copyFromStdinSql} and waits until the server accepts data. Blocks the calling
     * thread for that round trip; the connection must have no other command in flight, and stays
     * the COPY's until the returned stream is finished, aborted or closed.
     *
     * @param connection a connection from a vertx-pg-client 4.5 pool, or a plain {@code PgConnection}
     * @param copyFromStdinSql for example {@code COPY t (a, b) FROM STDIN (FORMAT csv)}
     * @throws IllegalStateException on a Vert.x event-loop thread, or with commands in flight on the connection
     * @throws IllegalArgumentException when the statement is not a COPY FROM STDIN
     * @throws CopyFailedException when the server refuses the statement (the cause holds its SQLSTATE)
     * @throws InterruptedIOException when interrupted while waiting; the COPY is then given up
     */
    public static CopyInStream start(SqlConnection connection, String copyFromStdinSql)
            throws CopyFailedException, InterruptedIOException {
        return CopyInStream.open(connection, copyFromStdinSql);
    }
}
