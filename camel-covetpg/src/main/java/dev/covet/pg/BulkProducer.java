package dev.covet.pg;

import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.tx.RouteTransaction;
import io.vertx.core.Context;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * What batch and COPY share: they read the body on the calling thread, which waits on the
 * database as it goes (that is their back-pressure), so they run there, or on the component's
 * threads when called on an event loop; and they use the route transaction's connection when
 * the exchange is in one, else one of their own.
 */
abstract class BulkProducer extends DefaultAsyncProducer {

    BulkProducer(CovetPgEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public CovetPgEndpoint getEndpoint() {
        return (CovetPgEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (Context.isOnEventLoopThread()) {
            getEndpoint().getComponent().executor().execute(() -> {
                runCatching(exchange);
                callback.done(false);
            });
            return false;
        }
        runCatching(exchange);
        callback.done(true);
        return true;
    }

    private void runCatching(Exchange exchange) {
        try {
            run(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
    }

    /**
     * True when the endpoint names its target by sql, false when by table; both or neither is a
     * start-up error that says what the operation takes.
     */
    protected boolean targetIsSql(String needs) {
        CovetPgEndpoint e = getEndpoint();
        boolean hasSql = e.getSql() != null && !e.getSql().isBlank();
        boolean hasTable = e.getTable() != null && !e.getTable().isBlank();
        if (hasSql == hasTable) {
            throw new IllegalArgumentException("covetpg:" + e.getOperation() + " needs " + needs + ", not both");
        }
        return hasSql;
    }

    /** The operation, blocking the calling thread (never an event loop). */
    protected abstract void run(Exchange exchange) throws Exception;

    /** The route transaction's session for this exchange, or null. */
    protected PgSession transaction(Exchange exchange) {
        PgSession session = RouteTransaction.current(exchange, getEndpoint().getComponent());
        return session == null ? null : session.usedBy(getEndpoint().describe());
    }

    /** A connection of its own, waiting at most the endpoint's (or component's) commandTimeout. */
    protected PgSession openSession() {
        PgClient client = getEndpoint().getComponent().client();
        Long own = getEndpoint().getCommandTimeout();
        return client.openSession(own != null ? own : client.settings().commandTimeout()).usedBy(getEndpoint().describe());
    }
}
