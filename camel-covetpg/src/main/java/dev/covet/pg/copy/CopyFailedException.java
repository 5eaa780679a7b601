package dev.covet.pg.copy;

import io.vertx.pgclient.PgException;
import java.io.IOException;

/**
 * A COPY that the server refused or failed, or whose connection failed. The cause is what Vert.x
 * reported: a {@link PgException} with the server's SQLSTATE (23505 for a duplicate key, 22P02
 * for a malformed value, 57014 for a COPY cancelled or failed by the client), or a connection
 * failure. An IOException, because the streams of this package report through it.
 */
public final class CopyFailedException extends IOException {

    private static final long serialVersionUID = 1L;

    private CopyFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    static CopyFailedException of(Throwable cause, String statement) {
        if (cause instanceof CopyFailedException e) {
            return e;
        }
        // not the DETAIL ("Key (id)=(7) already exists"): it holds row values, and is in the cause
        String reason = cause instanceof PgException pg
                ? pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")"
                : String.valueOf(cause);
        return new CopyFailedException("COPY " + statement + " failed: " + reason, cause);
    }

    /** The server's SQLSTATE, or null when the server did not report the failure. */
    public String getSqlState() {
        return getCause() instanceof PgException pg ? pg.getSqlState() : null;
    }
}
