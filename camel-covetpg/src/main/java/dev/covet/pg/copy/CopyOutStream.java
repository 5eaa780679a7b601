package dev.covet.pg.copy;

import io.netty.buffer.ByteBuf;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The output of a COPY TO STDOUT, byte for byte as the server sends it, read lazily.
 *
 * <p>Back-pressure: once more than {@value #HIGH_WATER} bytes wait unread, the connection stops
 * reading its socket, and the server waits (wait event ClientWrite) until the reader has taken
 * the buffer below {@value #LOW_WATER} bytes. A slow reader thus holds about a MiB, not the table.
 *
 * <p>{@code read} returns -1 once the server has completed the COPY and the connection is ready for
 * other work; a failure of the COPY is thrown as a {@link CopyFailedException} after the data that
 * came before it. {@link #close()} before the end cancels the COPY on the server, drops what is
 * still coming, and returns once the connection is ready for other work.
 *
 * <p>For one thread at a time; not on a Vert.x event loop.
 */
public final class CopyOutStream extends InputStream {

    private volatile boolean connectionClosed;

    static final int CHUNK_BYTES = 64 * 1024;
    static final int HIGH_WATER = 1024 * 1024;
    static final int LOW_WATER = 256 * 1024;

    private record Chunk(byte[] bytes, int length) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Set by the receiver before the statement is sent (the event loop reads it), and never changed after. */
    private volatile CopySession session;

    // under lock
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private long buffered;
    private long peakBuffered;
    private boolean paused;

    // event loop only
    private byte[] filling;
    private int filled;

    // reader only
    private byte[] current;
    private int currentLength;
    private int position;
    private boolean closed;
    private long rowCount = -1;

    private CopyOutStream() {
    }

    static CopyOutStream open(SqlConnection connection, String sql) throws CopyFailedException, InterruptedIOException {
        CopyOutStream stream = new CopyOutStream();
        CopySession.begin(connection, sql, false, stream.new Receiver());
        return stream;
    }

    /** The rows the server reported copied, once {@code read} has returned -1; -1 before that. */
    public long rowCount() {
        return rowCount;
    }

    /** The most bytes that were ever buffered unread: how well back-pressure held (for tests and metrics). */
    public long peakBufferedBytes() {
        lock.lock();
        try {
            return peakBuffered;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        if (position == currentLength && !next()) {
            return -1;
        }
        return current[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (position == currentLength && !next()) {
            return -1;
        }
        int n = Math.min(len, currentLength - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return currentLength - position;
    }

    /** Takes the next chunk, blocking until there is one; false at the end. */
    private boolean next() throws IOException {
        refuseOnEventLoop("read");
        if (closed) {
            throw new IOException("The COPY stream is closed: " + session.describe());
        }
        Chunk chunk;
        boolean resume = false;
        lock.lock();
        try {
            while ((chunk = chunks.poll()) == null) {
                if (session.isComplete()) {
                    current = null;
                    currentLength = 0;
                    position = 0;
                    // throws the failure, if the COPY failed
                    rowCount = session.awaitCompletion();
                    return false;
                }
                changed.await();
            }
            buffered -= chunk.length();
            if (paused && buffered <= LOW_WATER) {
                paused = false;
                resume = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for COPY data: " + session.describe());
        } finally {
            lock.unlock();
        }
        if (resume) {
            session.resumeReading();
        }
        current = chunk.bytes();
        currentLength = chunk.length();
        position = 0;
        return true;
    }

    /**
     * Ends the stream. Before the end of the COPY, it cancels the COPY on the server, drops the rest
     * of its data and waits for the connection to be ready for other work. Should the COPY have
     * ended on its own before the cancel took effect, the connection is closed instead (the pool
     * replaces it): the cancel request could otherwise cancel the next statement on it.
     */
    /** True when {@link #close()} closed the connection (see there); give it back and take another. */
    public boolean closedConnection() {
        return connectionClosed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!session.isComplete()) {
            refuseOnEventLoop("close"); // closing early waits for the server to end the COPY
        }
        closed = true;
        if (!session.isComplete()) {
            session.giveUp("covetpg: the COPY stream was closed before its end");
            session.awaitOutcome();
            connectionClosed = session.dropIfCancelMayBeStray();
        }
        lock.lock();
        try {
            chunks.clear();
            buffered = 0;
        } finally {
            lock.unlock();
        }
        current = null;
        currentLength = 0;
        position = 0;
    }

    /** Hears the COPY on the event loop. */
    private final class Receiver implements CopySession.Sink {

        @Override
        public void attached(CopySession attachedSession) {
            session = attachedSession;
        }

        @Override
        public void data(ByteBuf content) {
            // the content lives in the handler's cumulation, valid only now: copy it out
            int index = content.readerIndex();
            int remaining = content.readableBytes();
            while (remaining > 0) {
                if (filling == null) {
                    filling = new byte[CHUNK_BYTES];
                }
                int n = Math.min(remaining, filling.length - filled);
                content.getBytes(index, filling, filled, n);
                index += n;
                remaining -= n;
                filled += n;
                if (filled == filling.length) {
                    publish();
                }
            }
        }

        @Override
        public void batchEnd() {
            publish();
            boolean pause = false;
            lock.lock();
            try {
                if (!paused && buffered > HIGH_WATER) {
                    paused = true;
                    pause = true;
                }
            } finally {
                lock.unlock();
            }
            if (pause) {
                // a resume decided after this is queued behind it on the event loop, so cannot be lost
                session.pauseReading();
            }
        }

        private void publish() {
            if (filled == 0) {
                return;
            }
            Chunk chunk;
            if (filled == filling.length) {
                chunk = new Chunk(filling, filled);
                filling = null;
            } else {
                // a part-filled chunk would hold 64 KiB for a few bytes: queue an exact copy, reuse the chunk
                chunk = new Chunk(Arrays.copyOf(filling, filled), filled);
            }
            filled = 0;
            lock.lock();
            try {
                chunks.add(chunk);
                buffered += chunk.length();
                peakBuffered = Math.max(peakBuffered, buffered);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void wake() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Reading waits for the server, which an event loop must never do: the data would never come. */
    private void refuseOnEventLoop(String what) {
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            throw new IllegalStateException("A COPY stream must not " + what + " on a Vert.x event loop thread ("
                    + Thread.currentThread().getName() + "): it waits for the server; read it on a route thread");
        }
    }
}
