package dev.covet.pg.client;

import java.util.List;

/**
 * How the client rides out failures: retries, the circuit breaker, and the servers beside the
 * first one (replicas, or the candidates of a multi-host URL). Durations in milliseconds.
 *
 * @param otherHosts                  servers besides {@link ClientSettings#host()}; which one is the primary is
 *                                    found by asking each ({@code pg_is_in_recovery()})
 * @param readFrom                    where reads go by default
 * @param replicaCheckInterval        how often each server's role and health is checked (with several servers)
 * @param maxRetries                  retries of a transient failure after the first attempt; 0 turns retries off
 * @param retryBackoff                wait before the first retry, doubled for each next one
 * @param retryMaxBackoff             longest wait between two attempts
 * @param circuitBreakerThreshold     consecutive failures to connect after which operations fail at once; 0 turns it off
 * @param circuitBreakerProbeInterval how often a server behind an open breaker is tried again
 */
public record ResilienceSettings(List<HostPort> otherHosts, ReadFrom readFrom, long replicaCheckInterval, int maxRetries,
                                 long retryBackoff, long retryMaxBackoff, int circuitBreakerThreshold,
                                 long circuitBreakerProbeInterval) {

    /** One server, no retries, no breaker: for callers that build settings by hand. */
    public static final ResilienceSettings NONE = new ResilienceSettings(List.of(), ReadFrom.PRIMARY, 5_000, 0, 100, 2_000, 0, 1_000);

    public ResilienceSettings {
        otherHosts = List.copyOf(otherHosts);
        require(readFrom != null, "readFrom", null, "one of primary, replica, replicaPreferred");
        require(replicaCheckInterval >= 100, "replicaCheckInterval", replicaCheckInterval, "at least 100ms");
        require(maxRetries >= 0, "maxRetries", maxRetries, "0 (no retries) or more");
        require(retryBackoff >= 0, "retryBackoff", retryBackoff, "0 or a positive duration such as 100ms");
        require(retryMaxBackoff >= retryBackoff, "retryMaxBackoff", retryMaxBackoff, "at least retryBackoff (" + retryBackoff + "ms)");
        require(circuitBreakerThreshold >= 0, "circuitBreakerThreshold", circuitBreakerThreshold, "0 (off) or more");
        require(circuitBreakerProbeInterval >= 100, "circuitBreakerProbeInterval", circuitBreakerProbeInterval, "at least 100ms");
        require(readFrom == ReadFrom.PRIMARY || !otherHosts.isEmpty(), "readFrom", readFrom,
                "primary when no replicas are configured (give them in replicas or as more hosts in url)");
    }

    /** The wait before retry number {@code retry} (1-based): exponential, capped, with up to a quarter of jitter. */
    public long backoff(int retry) {
        long base = retryBackoff << Math.min(20, retry - 1);
        long capped = Math.min(retryMaxBackoff, base < 0 ? retryMaxBackoff : base);
        return capped - (long) (capped * 0.25 * java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    private static void require(boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid " + option + (value == null ? "" : " '" + value + "'") + ": must be " + expected);
        }
    }
}
