package dev.covet.pg.client;

/**
 * One notification as a listener received it.
 *
 * @param channel       the channel's name as the server has it (an unquoted name folded to lower case)
 * @param payload       the NOTIFY payload; empty when none was given
 * @param processId     the process id of the server backend that sent it
 * @param mayHaveMissed whether it is the first since the listener connected again, so that
 *                      notifications sent meanwhile may have been lost
 */
public record Notification(String channel, String payload, int processId, boolean mayHaveMissed) {
}
