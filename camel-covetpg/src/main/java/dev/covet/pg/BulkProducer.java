package dev.covet.pg;

import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.client.ReadFrom;
import dev.covet.pg.client.ResilienceSettings;
import dev.covet.pg.client.StatementOptions;
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

    /** The endpoint's statement options, resolved when it starts. */
    protected StatementOptions options;

    BulkProducer(CovetPgEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        options = getEndpoint().statementOptions();
    }

    @Override
    public CovetPgEndpoint getEndpoint() {
        return (CovetPgEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (Context.isOnEventLoopThread()) {
            getEndpoint().getComponent().runBlocking(() -> {
                runCatching(exchange);
                callback.done(false);
            });
            return false;
        }
        runCatching(exchange);
        callback.done(true);
        return true;
    }

    /**
     * Runs the operation, and runs it again from the start (up to maxRetries, with backoff) when
     * it failed in a way that cannot have let it take effect and its body can be read again.
     */
    private void runCatching(Exchange exchange) {
        PgClient client;
        try {
            CovetPgEndpoint.startUnlessStarted(this);
            client = getEndpoint().getComponent().client();
        } catch (RuntimeException notRunning) {
            exchange.setException(notRunning);
            return;
        }
        ResilienceSettings resilience = client.settings().resilience();
        for (int retry = 0; ; retry++) {
            try {
                run(exchange);
                if (retry > 0) {
                    exchange.getMessage().setHeader(CovetPgConstants.RETRIES, retry);
                }
                return;
            } catch (Exception e) {
                // only a transaction of its own guarantees that a failure left nothing behind
                boolean again = retry < resilience.maxRetries() && ownTransaction()
                        && RouteTransaction.current(exchange, getEndpoint().getComponent()) == null
                        && replayable(exchange.getMessage().getBody()) && client.mayRunAgain(e);
                if (!again) {
                    PgClient.gaveUp(e, retry);
                    exchange.setException(e);
                    return;
                }
                long wait = resilience.backoff(retry + 1);
                client.retried(getEndpoint().getOperation().name(), e, retry + 1, wait); // batch or copy: the meter's operation tag
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    exchange.setException(e);
                    return;
                }
            }
        }
    }

    /** Whether the operation runs in a transaction of its own, so that a failure before its COMMIT undid everything. */
    protected abstract boolean ownTransaction();

    /** Whether the body can be read again from its start: a collection or an array, bytes, text or a file; not a stream or an iterator. */
    private static boolean replayable(Object body) {
        return body == null || body instanceof java.util.Collection<?> || body.getClass().isArray() || body instanceof CharSequence
                || body instanceof java.io.File || body instanceof java.nio.file.Path || body instanceof org.apache.camel.WrappedFile<?>;
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
        return session == null ? null : session.usedBy(options.origin());
    }

    /**
     * A connection of its own, waiting at most the endpoint's (or component's) commandTimeout, on
     * the primary, or where the endpoint's readFrom says when {@code reads} only.
     */
    protected PgSession openSession(boolean reads) {
        PgClient client = getEndpoint().getComponent().client();
        // not retried there: a failure to connect is retried here, with the whole operation
        return client.openSession(options.commandTimeout(), reads ? options.readFrom() : ReadFrom.PRIMARY, false).usedBy(options.origin());
    }
}
