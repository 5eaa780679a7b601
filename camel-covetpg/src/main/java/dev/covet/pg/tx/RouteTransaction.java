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
    public static PgSession current(Exchange exchange, TransactionHost component) {
        return exchange.getProperty(component.transactionProperty(), PgSession.class);
    }

    static void bind(Exchange exchange, TransactionHost component, PgSession session) {
        exchange.setProperty(component.transactionProperty(), session);
    }

    static void unbind(Exchange exchange, TransactionHost component) {
        exchange.removeProperty(component.transactionProperty());
    }

    /** How the exchange property of every component's route transaction begins. */
    public static final String PROPERTY_PREFIX = "CamelCovetPgTransaction-";

    /** The exchange property a component's route transaction is kept under: one per component instance. */
    public static String propertyFor(Object component) {
        return PROPERTY_PREFIX + Integer.toHexString(System.identityHashCode(component));
    }
}
