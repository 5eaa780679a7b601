package dev.covet.pg.client;

/**
 * One server as the client sees it now, for health checks, metrics and the console.
 *
 * @param server    host:port
 * @param role      primary, replica or unknown (not reached yet)
 * @param up        whether operations are sent there (checked healthy, circuit breaker closed)
 * @param breaker   open or closed
 * @param lastError why the last check or connect failed; null when nothing failed
 */
public record NodeState(String server, String role, boolean up, String breaker, String lastError) {
}
