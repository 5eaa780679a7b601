package dev.covet.pg.tx;

import dev.covet.pg.client.PgSession;
import org.apache.camel.Exchange;

/**
 * Where a route transaction's pinned connection lives while the exchange is inside a
 * {@code transacted} block: an exchange property, one per component instance, so that two
 * databases (two components) each have their own.
 */
public final class RouteTransaction {

    private RouteTransaction() {
    }

    /** The transaction's session when the exchange is inside a transacted block for this component, else null. */
    public static PgSession current(Exchange exchange, Object component) {
        return exchange.getProperty(key(component), PgSession.class);
    }

    static void bind(Exchange exchange, Object component, PgSession session) {
        exchange.setProperty(key(component), session);
    }

    static void unbind(Exchange exchange, Object component) {
        exchange.removeProperty(key(component));
    }

    private static String key(Object component) {
        return "CamelCovetPgTransaction-" + Integer.toHexString(System.identityHashCode(component));
    }
}
