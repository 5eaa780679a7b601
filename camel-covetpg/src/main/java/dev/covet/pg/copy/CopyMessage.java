package dev.covet.pg.copy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import java.nio.charset.StandardCharsets;

/**
 * A frontend COPY message (CopyData, CopyDone, CopyFail) on its way to the server. It travels in
 * this holder rather than as a bare ByteBuf so that {@link CopyFrameHandler} can tell it apart and
 * drop it once the server has ended the COPY; past the handler, nothing accepts a holder, so a
 * message sent after the handler is gone is released and never reaches the server.
 */
final class CopyMessage extends DefaultByteBufHolder {

    static final byte COPY_DATA = 'd';
    static final byte COPY_DONE = 'c';
    static final byte COPY_FAIL = 'f';

    /** Type byte and length. */
    static final int HEADER = 5;

    private CopyMessage(ByteBuf frame) {
        super(frame);
    }

    /** An empty CopyData frame to fill with up to {@code payload} bytes, then {@link #seal}. */
    static ByteBuf newDataFrame(ByteBufAllocator alloc, int payload) {
        // Direct and pooled: the socket writes it as it is, and its memory is used again for the next
        // frame. The channel's buffer() is an unpooled heap array per frame, copied again before the
        // write, and in a young JVM every fresh array costs page faults (a first load of 1M rows spent
        // a third of its sending thread zeroing them).
        ByteBuf frame = alloc.directBuffer(HEADER + payload, HEADER + payload);
        frame.writeByte(COPY_DATA).writeInt(0);
        return frame;
    }

    static boolean isEmptyDataFrame(ByteBuf frame) {
        return frame.readableBytes() == HEADER;
    }

    /** Writes the length of a filled CopyData frame. */
    static CopyMessage seal(ByteBuf frame) {
        frame.setInt(1, frame.readableBytes() - 1);
        return new CopyMessage(frame);
    }

    static CopyMessage copyDone(ByteBufAllocator alloc) {
        return new CopyMessage(alloc.buffer(HEADER).writeByte(COPY_DONE).writeInt(4));
    }

    /** The server answers CopyFail with ErrorResponse 57014, quoting {@code reason}, and rolls the COPY back. */
    static ByteBuf copyFail(ByteBufAllocator alloc, String reason) {
        byte[] text = reason.replace('\0', ' ').getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(HEADER + text.length + 1).writeByte(COPY_FAIL).writeInt(4 + text.length + 1)
                .writeBytes(text).writeByte(0);
    }
}
