package dev.covet.pg.client;

/** Every pooled connection stayed busy for {@code acquireTimeout}, or the wait queue was full. */
public class CovetPgPoolExhaustedException extends CovetPgException {

    public CovetPgPoolExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
