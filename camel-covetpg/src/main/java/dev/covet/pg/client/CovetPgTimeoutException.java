package dev.covet.pg.client;

/**
 * A time limit ran out: {@code queryTimeout} (the server cancelled the statement, SQLSTATE 57014)
 * or {@code commandTimeout} (the whole operation, waiting for a connection included).
 */
public class CovetPgTimeoutException extends CovetPgException {

    public CovetPgTimeoutException(String message, Throwable cause, String sqlState) {
        super(message, cause, sqlState, null, null, null, null, null, null);
    }
}
