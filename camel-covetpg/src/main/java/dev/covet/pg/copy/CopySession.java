package dev.covet.pg.copy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import dev.covet.pg.wire.SocketAccess;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import java.io.InterruptedIOException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One COPY on one connection: puts the {@link CopyFrameHandler} in front of the codec, sends the
 * statement, holds the connection's command pipeline until the server is ready again, and carries
 * the handler's events to the stream (a {@link Sink}) that the caller reads or writes.
 *
 * <p>COPY needs the connection to itself: a command pipelined behind it would be written into the
 * COPY stream and the server would drop the connection ("protocol synchronization was lost"). So
 * the session starts only on a connection with nothing in flight (else IllegalStateException: the
 * caller must wait for its own commands first), and it sends the statement and suspends the
 * pipeline in one task on the connection's event loop, where no other command can slip in between.
 * Commands issued meanwhile on the same connection queue in Vert.x and run after the COPY.
 */
final class CopySession {

    /** What a stream hears of the COPY. Called on the event loop, except {@link #wake}, which may come from any thread. */
    interface Sink {

        /**
         * The session this sink belongs to, before its statement is sent: data can arrive on the
         * event loop before {@link #begin} has returned it to the caller.
         */
        default void attached(CopySession session) {
        }

        /** CopyData of a copy-out; {@code content} is valid only during the call. */
        default void data(ByteBuf content) {
        }

        /** The end of what one read from the socket held. */
        default void batchEnd() {
        }

        /** Something a waiting caller may be waiting for happened: re-check. */
        void wake();
    }

    private final SqlConnection connection;
    private final SocketConnectionBase socket;
    private final Channel channel;
    private final CopyFrameHandler handler;
    private final Sink sink;
    private final String sql;

    private enum Start { STARTED, WRONG_DIRECTION, NO_COPY }

    /** How the statement began: in the expected copy mode, in the other, or not in copy mode at all. */
    private final CompletableFuture<Start> response = new CompletableFuture<>();
    /** The statement's outcome: the server's row count, or the failure (a PgException from the server). */
    private final CompletableFuture<Long> completion = new CompletableFuture<>();
    /** The row count of the CommandComplete tag, as a long; -1 until it came. */
    private volatile long copied = -1;
    private volatile boolean failing;

    // event loop only
    private ChannelHandlerContext codec;
    private boolean suspended;
    private boolean readingPaused;
    private boolean cancelSent;

    private CopySession(SqlConnection connection, SocketConnectionBase socket, String sql, boolean copyIn, Sink sink) {
        this.connection = connection;
        this.socket = socket;
        this.channel = socket.socket().channelHandlerContext().channel();
        this.sql = sql;
        this.sink = sink;
        this.handler = new CopyFrameHandler(this, copyIn);
    }

    /**
     * Sends the COPY statement and waits for the server to enter copy mode.
     *
     * @throws IllegalStateException on an event-loop thread, or when the connection has commands in flight
     * @throws IllegalArgumentException when the statement is not the COPY direction asked for
     * @throws CopyFailedException when the server refuses the statement or the connection fails
     */
    static CopySession begin(SqlConnection connection, String sql, boolean copyIn, Sink sink)
            throws CopyFailedException, InterruptedIOException {
        requireCopyStatement(sql);
        SocketConnectionBase socket = SocketAccess.socketOf(connection);
        CopySession session = new CopySession(connection, socket, sql, copyIn, sink);
        sink.attached(session);
        if (Context.isOnEventLoopThread() || session.channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("COPY blocks its caller and must not run on a Vert.x event loop thread ("
                    + Thread.currentThread().getName() + "); start it from a worker or a Camel thread");
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        socket.context().runOnContext(v -> session.send(sent));
        await(sent);
        Start start;
        try {
            start = session.response.get();
        } catch (InterruptedException e) {
            session.giveUp("covetpg: interrupted while waiting for the COPY to start");
            session.awaitOutcome();
            session.dropIfCancelMayBeStray();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for the server to start " + describe(sql));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        switch (start) {
            case STARTED -> {
                return session;
            }
            case WRONG_DIRECTION -> {
                session.awaitOutcome();
                session.dropIfCancelMayBeStray();
                throw new IllegalArgumentException("The statement is a COPY " + (copyIn ? "TO STDOUT" : "FROM STDIN")
                        + "; use " + (copyIn ? "CopyOut" : "CopyIn") + " for it: " + describe(sql));
            }
            default -> {
                long rows = session.awaitCompletion();
                throw new IllegalArgumentException("The statement ran without starting a COPY "
                        + (copyIn ? "FROM STDIN" : "TO STDOUT") + " (" + rows + " rows): " + describe(sql));
            }
        }
    }

    private static void requireCopyStatement(String sql) {
        String head = sql.stripLeading();
        if (head.length() < 5 || !head.substring(0, 5).toUpperCase(Locale.ROOT).matches("COPY\\s")) {
            throw new IllegalArgumentException("Not a COPY statement (it must begin with COPY): " + describe(sql));
        }
        // a second statement after the COPY would wait for ever: the server answers it only after the copy data
        if (dev.covet.pg.sql.NamedParameters.parse(sql).semicolon() == dev.covet.pg.sql.ParsedSql.SEVERAL_STATEMENTS) {
            throw new IllegalArgumentException("A COPY must be one statement, with nothing after a ';': " + describe(sql));
        }
    }

    /** On the connection's context: the only place where no other command can get between the check and the send. */
    private void send(CompletableFuture<Void> sent) {
        try {
            if (!socket.isValid()) {
                // the pool can lend a connection whose close it has not seen yet: nothing was sent,
                // so this is a failure to connect, which a caller may retry on another connection
                throw new dev.covet.pg.client.CovetPgConnectionException("The connection was closed before the COPY was sent: "
                        + describe(sql), null);
            }
            int inflight = socket.inflight();
            if (inflight != 0) {
                throw new IllegalStateException("COPY needs the connection to itself, but " + inflight
                        + " command(s) are in flight on it; wait for them to complete before starting a COPY");
            }
            ChannelPipeline pipeline = channel.pipeline();
            codec = pipeline.context(SocketAccess.CODEC_HANDLER);
            if (codec == null) {
                throw SocketAccess.unsupported("the channel pipeline has no handler named \"" + SocketAccess.CODEC_HANDLER
                        + "\" (it has " + pipeline.names() + ")");
            }
            pipeline.addBefore(SocketAccess.CODEC_HANDLER, CopyFrameHandler.NAME, handler);
            Future<RowSet<Row>> result;
            try {
                result = connection.query(sql).execute();
            } catch (RuntimeException e) {
                pipeline.remove(handler);
                throw e;
            }
            if (socket.inflight() == 1) {
                socket.suspendPipeline();
                suspended = true;
            } else {
                // Vert.x did not write it now (not what 4.5.28 does on its own event loop): whatever
                // comes, it must not be a COPY that other commands could follow into
                handler.abandon("covetpg: the COPY could not be given the connection to itself");
            }
            result.onComplete(ar -> onEventLoop(() -> {
                detach();
                if (ar.succeeded()) {
                    completion.complete(copied >= 0 ? copied : (long) ar.result().rowCount());
                } else {
                    completion.completeExceptionally(ar.cause());
                }
                response.complete(Start.NO_COPY);
                sink.wake();
            }));
            sent.complete(null);
        } catch (Throwable t) {
            sent.completeExceptionally(t);
        }
    }

    /** Removes the handler and frees the pipeline, if ReadyForQuery did not (the connection failed first). */
    private void detach() {
        if (handler.isAttached()) {
            channel.pipeline().remove(handler);
        }
        resume();
    }

    private void resume() {
        if (suspended) {
            suspended = false;
            socket.resumePipeline();
        }
        if (readingPaused) {
            readingPaused = false;
            channel.config().setAutoRead(true);
        }
    }

    private void onEventLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
            return;
        }
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            // the event loop is shutting down: nothing left to detach from
            task.run();
        }
    }

    // ---- events from the handler, on the event loop

    void copyResponse(boolean expected) {
        if (!expected || handler.isAbandoned()) {
            cancel();
        }
        response.complete(expected ? Start.STARTED : Start.WRONG_DIRECTION);
    }

    void copyData(ByteBuf content) {
        sink.data(content);
    }

    void batchEnd() {
        sink.batchEnd();
    }

    /** The server's CommandComplete tag, e.g. {@code COPY 3000000000}. */
    void commandComplete(String tag) {
        copied = rowCount(tag);
    }

    /** The row count of a COPY's CommandComplete tag, as a long; -1 when the tag has none. */
    static long rowCount(String tag) {
        if (tag.startsWith("COPY ")) {
            try {
                return Long.parseLong(tag.substring(5).trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    void errorResponse() {
        failing = true;
        sink.wake();
    }

    /** Called before the codec sees ReadyForQuery, so that what queued behind the COPY runs next. */
    void readyForQuery() {
        resume();
        sink.wake();
    }

    void writabilityChanged() {
        sink.wake();
    }

    void closed() {
        failing = true;
        sink.wake();
    }

    // ---- for the streams

    ByteBufAllocator alloc() {
        return channel.alloc();
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** The server reported an error or the connection closed: no point in sending more. */
    boolean isFailing() {
        return failing || completion.isCompletedExceptionally();
    }

    boolean isComplete() {
        return completion.isDone();
    }

    /** Sends from any thread; the write runs on the event loop, in the order sent, through the handler's gate. */
    void send(CopyMessage message) {
        // written at the codec so that it passes through the handler, which sits just before it
        codec.writeAndFlush(message);
    }

    /** Gives the COPY up: a copy-in is failed with CopyFail, a copy-out is cancelled and its data dropped. */
    void giveUp(String reason) {
        onEventLoop(() -> {
            handler.abandon(reason);
            cancel();
            // the data is dropped now: read on at full speed until the server stops
            if (readingPaused) {
                readingPaused = false;
                channel.config().setAutoRead(true);
            }
        });
    }

    /**
     * True when a cancel request was sent and the statement did not end by it (no SQLSTATE 57014):
     * the request may still be on its way and would cancel whatever runs next on the connection.
     * Call after the outcome is known.
     */
    boolean cancelMayBeStray() {
        if (!cancelSent) {
            return false;
        }
        try {
            completion.join();
            return true; // ended on its own, before the cancel took effect
        } catch (java.util.concurrent.CompletionException e) {
            // the statement's own failure, as Vert.x reported it: 57014 means the cancel was used up
            return !(e.getCause() instanceof PgException pg && "57014".equals(pg.getSqlState()));
        }
    }

    /**
     * After the outcome is known: closes the connection when a cancel sent for this COPY may still
     * be on its way (the COPY ended on its own first), so it cannot cancel the next statement.
     * Returns whether it closed the connection.
     */
    boolean dropIfCancelMayBeStray() {
        if (cancelMayBeStray()) {
            closeConnection();
            awaitConnectionClosed();
            return true;
        }
        return false;
    }

    /**
     * Closes the connection of a COPY whose cancel request may be stray, so that the request
     * cannot hit the next statement; the pool drops the closed connection and opens another.
     */
    void closeConnection() {
        onEventLoop(channel::close);
    }

    /**
     * Waits until the connection closed by {@link #closeConnection} is closed and Vert.x has
     * handled that on its event loop, so that the pool has dropped it before the caller gives it
     * back (otherwise the pool could lend the dead connection once more).
     */
    void awaitConnectionClosed() {
        channel.closeFuture().awaitUninterruptibly();
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().submit(() -> { }).awaitUninterruptibly();
        }
    }

    /** Stops reading the socket (on the event loop), so that the server waits in ClientWrite. */
    void pauseReading() {
        if (!readingPaused && handler.isAttached()) {
            readingPaused = true;
            channel.config().setAutoRead(false);
        }
    }

    /** From any thread. */
    void resumeReading() {
        onEventLoop(() -> {
            if (readingPaused) {
                readingPaused = false;
                channel.config().setAutoRead(true);
            }
        });
    }

    private void cancel() {
        // a copy-in ends by CopyFail, which is exact; only a running copy-out needs the server interrupted
        if (cancelSent || !handler.isCopyOutOpen()) {
            return;
        }
        cancelSent = true;
        if (connection instanceof PgConnection pg) {
            pg.cancelRequest();
        }
    }

    /** The statement's outcome, once the server is ready for the next command and the pipeline runs again. */
    CompletableFuture<Long> completion() {
        return completion;
    }

    /**
     * Waits, without giving up on interrupt, for the statement's outcome.
     *
     * @throws CopyFailedException with the server's PgException (or the connection's failure) as cause
     */
    long awaitCompletion() throws CopyFailedException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return completion.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw CopyFailedException.of(e.getCause(), describe(sql));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the statement to end, whatever its outcome; for when the caller has given it up. */
    void awaitOutcome() {
        try {
            awaitCompletion();
        } catch (CopyFailedException expected) {
            // the outcome of a COPY given up: 57014 from CopyFail or the cancel, or whatever came first
        }
    }

    private static void await(CompletableFuture<Void> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String describe() {
        return describe(sql);
    }

    static String describe(String sql) {
        String text = sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
        return "[" + text + "]";
    }
}
