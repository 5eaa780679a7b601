package dev.covet.pg.client;

/**
 * One LISTEN connection as the client sees it now, for health checks, metrics and the console.
 *
 * @param channels   the channels, comma-separated
 * @param listening  whether a connection listens now
 * @param pending    notifications received and not yet routed
 * @param reconnects attempts to connect again since start
 * @param lastError  why it does not listen now; null while it does
 */
public record ListenerState(String channels, boolean listening, int pending, long reconnects, String lastError) {

    /** The one way it is shown (health detail, console, JMX): {@code listening, 0 pending, 1 reconnects}, and {@code : why} when not listening. */
    public String summary() {
        return (listening ? "listening" : "not listening") + ", " + pending + " pending, " + reconnects + " reconnects"
                + (lastError == null ? "" : ": " + lastError);
    }
}
