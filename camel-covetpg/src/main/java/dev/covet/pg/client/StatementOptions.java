package dev.covet.pg.client;

import java.util.OptionalLong;

/**
 * How one endpoint's statements run, resolved once when it starts and handed to the client with
 * every statement: nothing here is parsed or looked up again per exchange.
 *
 * @param origin          names the endpoint in the slow-query log and in errors
 * @param readFrom        where its reads may run
 * @param commandTimeout  the limit in ms on a whole operation, retries included; 0 for none
 * @param ownQueryTimeout the server-side statement_timeout in ms when the endpoint sets one that
 *                        differs from the component's (which every connection has already); empty otherwise
 */
public record StatementOptions(String origin, ReadFrom readFrom, long commandTimeout, OptionalLong ownQueryTimeout) {

    /**
     * Resolves an endpoint's options against the component's settings; a null option takes the
     * component's value.
     */
    public static StatementOptions resolve(ClientSettings settings, String origin, ReadFrom readFrom, Long commandTimeout, Long queryTimeout) {
        OptionalLong own = queryTimeout == null || queryTimeout == settings.queryTimeout() ? OptionalLong.empty() : OptionalLong.of(queryTimeout);
        return new StatementOptions(origin, readFrom != null ? readFrom : settings.resilience().readFrom(),
                commandTimeout != null ? commandTimeout : settings.commandTimeout(), own);
    }

    /** The same statements, on the primary: for writes, and for reads that claim rows. */
    public StatementOptions onPrimary() {
        return readFrom == ReadFrom.PRIMARY ? this : new StatementOptions(origin, ReadFrom.PRIMARY, commandTimeout, ownQueryTimeout);
    }
}
