package dev.covet.pg.client;

/**
 * The server could not be reached {@code circuitBreakerThreshold} times in a row, so operations
 * fail at once instead of queueing, until a background probe reaches it again.
 */
public class CovetPgCircuitOpenException extends CovetPgConnectionException {
    public CovetPgCircuitOpenException(String message) {
        super(message, null);
    }
}
