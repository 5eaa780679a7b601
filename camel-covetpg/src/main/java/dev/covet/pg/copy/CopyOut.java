package dev.covet.pg.copy;

import io.vertx.sqlclient.SqlConnection;
import java.io.InterruptedIOException;

/** COPY ... TO STDOUT on a Vert.x connection. */
public final class CopyOut {

    private CopyOut() {
    }

    /**
     * Sends {@code copyToStdoutSql} and waits until the server starts sending data. Blocks the
     * calling thread for that round trip; the connection must have no other command in flight, and
     * stays the COPY's until the returned stream has returned -1 or is closed.
     *
     * @param connection a connection from a vertx-pg-client 4.5 pool, or a plain {@code PgConnection}
     * @param copyToStdoutSql for example {@code COPY (SELECT ...) TO STDOUT (FORMAT csv)}
     * @throws IllegalStateException on a Vert.x event-loop thread, or with commands in flight on the connection
     * @throws IllegalArgumentException when the statement is not a COPY TO STDOUT
     * @throws CopyFailedException when the server refuses the statement (the cause holds its SQLSTATE)
     * @throws InterruptedIOException when interrupted while waiting; the COPY is then given up
     */
    public static CopyOutStream start(SqlConnection connection, String copyToStdoutSql)
            throws CopyFailedException, InterruptedIOException {
        return CopyOutStream.open(connection, copyToStdoutSql);
    }
}
