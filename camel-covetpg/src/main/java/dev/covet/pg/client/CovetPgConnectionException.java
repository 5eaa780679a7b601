package dev.covet.pg.client;

/** No connection to PostgreSQL could be made, or the one in use was lost. */
public class CovetPgConnectionException extends CovetPgException {

    public CovetPgConnectionException(String message, Throwable cause) {
        super(message, cause);
    }

    public CovetPgConnectionException(String message, Throwable cause, String sqlState) {
        super(message, cause, sqlState, null, null, null, null, null, null);
    }
}
