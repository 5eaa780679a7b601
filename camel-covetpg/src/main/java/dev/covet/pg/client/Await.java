package dev.covet.pg.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting for a Vert.x future on a caller's thread, refused on an event loop where it would deadlock. */
final class Await {

    private Await() {
    }

    static <T> T result(Future<T> future, long timeoutMillis, ClientSettings settings, String what) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("covetpg would block a Vert.x event loop thread (" + Thread.currentThread().getName()
                    + ") while " + what + "; consume covetpg results on a route thread, not on an event loop");
        }
        CompletableFuture<T> cf = future.toCompletionStage().toCompletableFuture();
        try {
            return timeoutMillis > 0 ? cf.get(timeoutMillis, TimeUnit.MILLISECONDS) : cf.get();
        } catch (ExecutionException e) {
            throw PgErrors.translate(e.getCause(), settings, what);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CovetPgTimeoutException("No answer within commandTimeout=" + timeoutMillis + "ms while " + what, e, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CovetPgException("Interrupted while " + what, e);
        }
    }

    /**
     * Whether {@code failure}, thrown by {@link #result} for {@code future}, left the command
     * running on its connection: the wait ended without its answer (an interrupt, commandTimeout),
     * or a time limit failed the future while the command went on.
     */
    static boolean leftRunning(Future<?> future, RuntimeException failure) {
        return !future.isComplete() || (failure instanceof CovetPgTimeoutException t && t.getSqlState() == null);
    }
}
