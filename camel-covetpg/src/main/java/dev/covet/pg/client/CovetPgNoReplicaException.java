package dev.covet.pg.client;

/**
 * A read under {@code readFrom=replica} found no healthy replica. It fails at once, unretried:
 * replicas come back on the next check, and {@code readFrom=replicaPreferred} reads from the
 * primary meanwhile.
 */
public class CovetPgNoReplicaException extends CovetPgConnectionException {
    public CovetPgNoReplicaException(String message) {
        super(message, null);
    }
}
