package dev.covet.pg.client;

import java.time.Instant;

/**
 * One statement the slow-query log reported, as the dev console shows it.
 *
 * @param at        when it ended
 * @param operation {@code query}, {@code batch}, {@code cursor open}, {@code copy in} or {@code copy out}
 * @param origin    the endpoint (its URI without secrets) or consumer that ran it; null when unknown
 * @param millis    how long it took
 * @param succeeded whether it succeeded
 * @param sql       the statement's printable text: parameters never, literals blanked
 */
public record SlowQuery(Instant at, String operation, String origin, long millis, boolean succeeded, String sql) {
}
