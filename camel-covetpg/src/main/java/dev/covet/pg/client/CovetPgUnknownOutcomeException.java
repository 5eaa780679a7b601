package dev.covet.pg.client;

/**
 * The connection was lost after a statement that may write had been sent, outside a
 * transaction: it may or may not have taken effect. covetpg does not retry it, because a blind
 * retry could apply it twice; check the data before running it again.
 */
public class CovetPgUnknownOutcomeException extends CovetPgConnectionException {
    public CovetPgUnknownOutcomeException(String message, Throwable cause) {
        super(message, cause);
    }
}
