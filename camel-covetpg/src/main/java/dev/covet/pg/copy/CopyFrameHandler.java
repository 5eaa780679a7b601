package dev.covet.pg.copy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Sits in front of vertx-pg-client's {@code "codec"} for the length of one COPY. It frames the
 * backend messages, keeps the COPY ones (which the codec cannot decode) for the {@link CopySession},
 * and passes every other message through untouched, so that the codec still sees ErrorResponse,
 * CommandComplete and ReadyForQuery. At ReadyForQuery it removes itself before passing that message
 * on: once the codec has seen it the command is complete and the connection may carry other work.
 *
 * <p>Outbound, it is the gate for the streams' {@link CopyMessage}s: once the server has ended the
 * COPY (an ErrorResponse, or ReadyForQuery) or the caller gave it up, they are dropped here.
 *
 * <p>Everything here runs on the channel's event loop.
 */
final class CopyFrameHandler extends ChannelDuplexHandler {

    static final String NAME = "covetpg-copy";

    private static final byte COPY_IN_RESPONSE = 'G';
    private static final byte COPY_OUT_RESPONSE = 'H';
    private static final byte COPY_BOTH_RESPONSE = 'W';
    private static final byte COPY_DATA = 'd';
    private static final byte COPY_DONE = 'c';
    private static final byte ERROR_RESPONSE = 'E';
    private static final byte READY_FOR_QUERY = 'Z';
    private static final byte COMMAND_COMPLETE = 'C';
    /**
     * The largest message a server can send: PostgreSQL allocates nothing above 1 GiB (MaxAllocSize),
     * so a longer CopyData is not from a server, and waiting for it would buffer it all here.
     */
    static final int MAX_MESSAGE = (1 << 30) + 1024;

    private final CopySession session;
    private final boolean expectCopyIn;

    private ChannelHandlerContext ctx;
    private ByteBuf cumulation;
    private boolean decoding;
    /** The server is in copy-in mode and waits for our CopyData, CopyDone or CopyFail. */
    private boolean copyInOpen;
    /** The server is in copy-out mode and sends us CopyData. */
    private boolean copyOutOpen;
    /** The server has ended the COPY: nothing more of ours may reach it. */
    private boolean ended;
    /** Why the caller gave the COPY up, or null. */
    private String abandoned;

    CopyFrameHandler(CopySession session, boolean expectCopyIn) {
        this.session = session;
        this.expectCopyIn = expectCopyIn;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!decoding) {
            releaseCumulation();
        }
    }

    boolean isAttached() {
        return ctx != null && !ctx.isRemoved();
    }

    /**
     * The caller gives the COPY up: a copy-in is failed with CopyFail (the server rolls it back),
     * CopyData of a copy-out is dropped from here on.
     */
    void abandon(String reason) {
        if (abandoned != null) {
            return;
        }
        abandoned = reason;
        if (copyInOpen && !ended) {
            sendCopyFail(reason);
        }
    }

    boolean isAbandoned() {
        return abandoned != null;
    }

    boolean isCopyOutOpen() {
        return copyOutOpen;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        // merge, not wrap: a message split over many reads is copied once into one buffer
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        decoding = true;
        try {
            decode(ctx);
        } finally {
            decoding = false;
            if (cumulation != null && (ctx.isRemoved() || !cumulation.isReadable())) {
                releaseCumulation();
            } else if (cumulation != null && cumulation.refCnt() == 1) {
                // only while no slice of it is held elsewhere: compaction moves the bytes
                cumulation.discardSomeReadBytes();
            }
        }
    }

    private void decode(ChannelHandlerContext ctx) {
        ByteBuf buf = cumulation;
        // a run of messages for the codec, handed over in one piece
        int passFrom = -1;
        while (buf.readableBytes() >= 5) {
            int start = buf.readerIndex();
            byte type = buf.getByte(start);
            int length = buf.getInt(start + 1);
            if (length < 4) {
                // not the protocol we know: let the codec fail the connection on it
                passThrough(ctx, buf, passFrom < 0 ? start : passFrom, buf.writerIndex());
                buf.readerIndex(buf.writerIndex());
                return;
            }
            if (length > MAX_MESSAGE) {
                // nothing a server sends: close rather than buffer it (the COPY fails as the connection closes)
                ctx.close();
                buf.readerIndex(buf.writerIndex());
                return;
            }
            if (buf.readableBytes() < 1 + length) {
                break;
            }
            int end = start + 1 + length;
            switch (type) {
                case COPY_IN_RESPONSE, COPY_OUT_RESPONSE, COPY_BOTH_RESPONSE, COPY_DATA, COPY_DONE -> {
                    if (passFrom >= 0) {
                        passThrough(ctx, buf, passFrom, start);
                        passFrom = -1;
                        if (ctx.isRemoved()) {
                            return;
                        }
                    }
                    copyMessage(type, buf.slice(start + 5, length - 4));
                    buf.readerIndex(end);
                }
                case READY_FOR_QUERY -> {
                    if (passFrom >= 0) {
                        passThrough(ctx, buf, passFrom, start);
                        if (ctx.isRemoved()) {
                            return;
                        }
                    }
                    readyForQuery(ctx);
                    return;
                }
                default -> {
                    if (type == COMMAND_COMPLETE) {
                        // "COPY n": read here as a long, where the driver's int wraps above 2^31-1 rows
                        session.commandComplete(buf.toString(start + 5, Math.max(0, length - 5), java.nio.charset.StandardCharsets.US_ASCII));
                    }
                    if (type == ERROR_RESPONSE) {
                        // the server has left copy mode; anything we still send would be ignored
                        ended = true;
                        copyInOpen = false;
                        copyOutOpen = false;
                        session.errorResponse();
                    }
                    if (passFrom < 0) {
                        passFrom = start;
                    }
                    buf.readerIndex(end);
                }
            }
        }
        if (passFrom >= 0) {
            passThrough(ctx, buf, passFrom, buf.readerIndex());
        }
        session.batchEnd();
    }

    private void copyMessage(byte type, ByteBuf content) {
        switch (type) {
            case COPY_IN_RESPONSE, COPY_BOTH_RESPONSE -> {
                copyInOpen = true;
                boolean expected = expectCopyIn && type == COPY_IN_RESPONSE;
                if (!expected) {
                    abandon(expectCopyIn ? "covetpg: the statement is not a COPY FROM STDIN"
                            : "covetpg: the statement is not a COPY TO STDOUT; use CopyIn for COPY FROM STDIN");
                }
                if (abandoned != null && copyInOpen) {
                    // given up before the server was ready for it
                    sendCopyFail(abandoned);
                }
                session.copyResponse(expected);
            }
            case COPY_OUT_RESPONSE -> {
                copyOutOpen = true;
                if (expectCopyIn) {
                    abandon("covetpg: the statement is not a COPY FROM STDIN");
                }
                session.copyResponse(!expectCopyIn);
            }
            case COPY_DATA -> {
                if (abandoned == null && !expectCopyIn) {
                    session.copyData(content);
                }
            }
            default -> {
                // CopyDone: the end of the data; the command completes with CommandComplete
                copyOutOpen = false;
            }
        }
    }

    private void passThrough(ChannelHandlerContext ctx, ByteBuf buf, int from, int to) {
        ctx.fireChannelRead(buf.retainedSlice(from, to - from));
    }

    private void readyForQuery(ChannelHandlerContext ctx) {
        ended = true;
        copyInOpen = false;
        copyOutOpen = false;
        session.batchEnd();
        session.readyForQuery();
        ByteBuf rest = cumulation;
        cumulation = null;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(rest);
    }

    private void sendCopyFail(String reason) {
        copyInOpen = false;
        ctx.writeAndFlush(CopyMessage.copyFail(ctx.alloc(), reason));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CopyMessage copy) {
            if (ended || abandoned != null) {
                copy.release();
                // not a failure to report: the server has ended the COPY and would ignore the message
                promise.trySuccess();
            } else {
                ctx.write(copy.content(), promise);
            }
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        session.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ended = true;
        copyInOpen = false;
        copyOutOpen = false;
        releaseCumulation();
        session.closed();
        ctx.fireChannelInactive();
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            ByteBuf c = cumulation;
            cumulation = null;
            c.release();
        }
    }
}
