package dev.covet.pg.copy;

import io.netty.buffer.ByteBuf;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The data of a COPY FROM STDIN, in the format the statement names (text, csv or binary). What is
 * written goes to the server in CopyData messages of up to {@value #MESSAGE_BYTES} bytes;
 * {@link #finish()} ends the COPY and returns the server's row count.
 *
 * <p>Back-pressure: a write blocks its caller while the connection's socket buffer is full, so a
 * fast producer never piles data up in memory. The event loop never waits.
 *
 * <p>When the server fails the COPY (a duplicate key, a malformed row) it stops reading our data:
 * the next {@code write}, {@code flush} or {@code finish} throws a {@link CopyFailedException}
 * whose cause is the server's {@code PgException}, nothing more is sent, and the connection is
 * ready for other work. Closing without {@code finish()} aborts the COPY, as {@link #abort} does.
 *
 * <p>For one thread at a time; not on a Vert.x event loop.
 */
public final class CopyInStream extends OutputStream {

    /** Payload bytes per CopyData message. */
    static final int MESSAGE_BYTES = 64 * 1024;

    private enum State { OPEN, FINISHED, ABORTED, FAILED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private CopySession session;

    private State state = State.OPEN;
    private ByteBuf frame;
    private long rowCount = -1;
    private CopyFailedException failure;

    private CopyInStream() {
    }

    static CopyInStream open(SqlConnection connection, String sql) throws CopyFailedException, InterruptedIOException {
        CopyInStream stream = new CopyInStream();
        stream.session = CopySession.begin(connection, sql, true, stream::wake);
        return stream;
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (frame == null) {
            frame = CopyMessage.newDataFrame(session.alloc(), MESSAGE_BYTES);
        }
        frame.writeByte(b);
        if (!frame.isWritable()) {
            sendFrame();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (frame == null) {
                frame = CopyMessage.newDataFrame(session.alloc(), MESSAGE_BYTES);
            }
            int n = Math.min(len, frame.writableBytes());
            frame.writeBytes(b, off, n);
            off += n;
            len -= n;
            if (!frame.isWritable()) {
                sendFrame();
            }
        }
    }

    /** Sends what is buffered now, in a CopyData message of its own. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (frame != null && !CopyMessage.isEmptyDataFrame(frame)) {
            sendFrame();
        }
    }

    /**
     * Ends the COPY (CopyDone) and waits for the server to commit it.
     *
     * @return the number of rows the server copied
     * @throws CopyFailedException when the server failed the COPY; it rolled back, the connection is usable
     */
    public long finish() throws IOException {
        if (state == State.FINISHED) {
            return rowCount;
        }
        flush();
        releaseFrame();
        session.send(CopyMessage.copyDone(session.alloc()));
        try {
            rowCount = session.awaitCompletion();
            state = State.FINISHED;
            return rowCount;
        } catch (CopyFailedException e) {
            state = State.FAILED;
            failure = e;
            throw e;
        }
    }

    /**
     * Gives the COPY up (CopyFail with {@code reason}): the server rolls it back and answers with
     * SQLSTATE 57014, which is expected and not thrown. Returns once the connection is ready for
     * other work. Does nothing once the COPY has finished, failed or been aborted.
     */
    public void abort(String reason) {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        releaseFrame();
        session.giveUp(reason == null ? "covetpg: COPY aborted" : reason);
        session.awaitOutcome();
    }

    /** Aborts the COPY unless {@link #finish()} ended it. */
    @Override
    public void close() {
        abort("covetpg: the COPY stream was closed before finish()");
        releaseFrame();
    }

    private void ensureOpen() throws IOException {
        switch (state) {
            case OPEN -> {
                if (session.isFailing()) {
                    throw fail();
                }
            }
            case FAILED -> throw failure;
            default -> throw new IOException("The COPY was already " + state.name().toLowerCase(java.util.Locale.ROOT)
                    + ": " + session.describe());
        }
    }

    private void sendFrame() throws IOException {
        awaitWritable();
        ByteBuf full = frame;
        frame = null;
        session.send(CopyMessage.seal(full));
    }

    /** Blocks the caller, not the event loop, while the socket cannot take more. */
    private void awaitWritable() throws IOException {
        if (!session.isWritable() && !session.isFailing()) {
            boolean interrupted = false;
            lock.lock();
            try {
                while (!session.isWritable() && !session.isFailing() && !session.isComplete()) {
                    // the timeout only guards against a wake-up lost to a channel event we do not hear
                    changed.await(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                lock.unlock();
            }
            if (interrupted) {
                abort("covetpg: the writing thread was interrupted");
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting to send COPY data; the COPY was aborted: "
                        + session.describe());
            }
        }
        if (session.isFailing() || session.isComplete()) {
            throw fail();
        }
    }

    private CopyFailedException fail() {
        releaseFrame();
        state = State.FAILED;
        try {
            long rows = session.awaitCompletion();
            failure = CopyFailedException.of(new IllegalStateException("the COPY ended before CopyDone, with "
                    + rows + " rows"), session.describe());
        } catch (CopyFailedException e) {
            failure = e;
        }
        return failure;
    }

    private void releaseFrame() {
        if (frame != null) {
            frame.release();
            frame = null;
        }
    }
}
