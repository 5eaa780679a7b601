package dev.covet.pg.wire;

import dev.covet.pg.types.PgTypes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;

/**
 * Rewrites the two messages in which the server describes types, ParameterDescription and
 * RowDescription, before vertx-pg-client's codec reads them.
 *
 * <p>Why: the driver binds and reads each value by the type the server describes, and for many
 * types it does so inexactly (DESIGN.md, "Facts learned the hard way"): it narrows numbers into
 * smaller integer types without a range check, sends a String to json as a JSON string, reads
 * bit, xml and macaddr as null, reads an array of two dimensions as null and drops lower bounds,
 * and fails on numeric Infinity and on time 24:00. Two of the types it knows it sends and reads
 * as text, unchanged: {@code unknown} for parameters and tsvector's type for columns. So every
 * type it does not handle exactly is described to it as one of these:
 *
 * <ul>
 *   <li>Parameters: the integers, floating point, bytea and the text types keep their type; the
 *       driver asks {@link BoundParameters} for each by a typed getter, which converts exactly.
 *       json and jsonb become tsvector's type, which the driver takes as the String it is given,
 *       so {@link BoundParameters} can give them JSON. Every other type becomes unknown: the
 *       driver asks for its text and the server parses it with the real type's input function.</li>
 *   <li>Columns: bool, the integers, floating point, the text types, bytea, uuid, date, timestamp
 *       and timestamptz keep their type, which the driver reads exactly in binary. Every other
 *       column becomes tsvector's type and arrives as the server's text, as a String. Each column's name gets
 *       {@link #MARK} and its real type's OID appended, which the driver keeps with the name; the
 *       client's type mapping reads it back, strips it and builds the Java value from the text by
 *       the real type.</li>
 * </ul>
 *
 * <p>It frames every backend message to find the two it rewrites; the others pass through as
 * they came, in the buffers they came in, except when a message starts at the end of one read:
 * then its first bytes wait here for the rest. Everything here runs on the channel's event loop.
 * It is on every connection of the pool from the first use on (installed after start-up, when
 * nothing is in flight, so it starts at a message boundary), which is why every statement goes
 * through the extended query protocol: a simple query's rows come in text whatever the type.
 */
public final class TypeDescriptions extends ChannelInboundHandlerAdapter {

    public static final String NAME = "covetpg-types";

    /** Between a column's name and its real type's OID, in the names the driver reports. */
    public static final char MARK = '\u0001';

    private static final byte ROW_DESCRIPTION = 'T';
    private static final byte PARAMETER_DESCRIPTION = 't';
    private static final int HEADER = 5;
    /** More than any real description (1,664 columns of 63-byte names take 140 kB): a longer one is not from a server. */
    private static final int MAX_DESCRIPTION = 16 << 20;

    /** The first bytes of a message whose rest has not arrived yet. */
    private ByteBuf pending;
    /** Bytes of a message already passed on (its header and part of its body) still to come. */
    private long skip;

    /** Puts the handler in front of the connection's codec (once; a second call does nothing). */
    public static void apply(SqlConnection connection) {
        ChannelPipeline pipeline = SocketAccess.pipeline(connection);
        if (pipeline.get(NAME) == null) {
            pipeline.addBefore(SocketAccess.CODEC_HANDLER, NAME, new TypeDescriptions());
        }
    }

    /** Whether the connection's socket has the handler. */
    public static boolean isApplied(SqlConnection connection) {
        return SocketAccess.pipeline(connection).get(NAME) != null;
    }

    /** The type a parameter of type {@code oid} is described as to the driver. */
    static int parameterType(int oid) {
        return switch (oid) {
            case PgTypes.INT2, PgTypes.INT4, PgTypes.INT8, PgTypes.FLOAT4, PgTypes.FLOAT8, PgTypes.BYTEA,
                    PgTypes.TEXT, PgTypes.VARCHAR, PgTypes.BPCHAR, PgTypes.NAME -> oid;
            case PgTypes.JSON, PgTypes.JSONB -> PgTypes.TSVECTOR;
            default -> PgTypes.UNKNOWN;
        };
    }

    /** The type a column of type {@code oid} is described as to the driver. */
    static int columnType(int oid) {
        return switch (oid) {
            case PgTypes.BOOL, PgTypes.INT2, PgTypes.INT4, PgTypes.INT8, PgTypes.FLOAT4, PgTypes.FLOAT8, PgTypes.TEXT,
                    PgTypes.VARCHAR, PgTypes.BPCHAR, PgTypes.NAME, PgTypes.BYTEA, PgTypes.UUID, PgTypes.DATE,
                    PgTypes.TIMESTAMP, PgTypes.TIMESTAMPTZ, PgTypes.VOID -> oid;
            // not unknown's type: the driver splits an unknown value that starts with '{' into a String[]
            default -> PgTypes.TSVECTOR;
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf buf = in;
        if (pending != null) {
            buf = pending.writeBytes(in);
            in.release();
            pending = null;
        }
        scan(ctx, buf);
    }

    private void scan(ChannelHandlerContext ctx, ByteBuf buf) {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int pos = start;
        int passFrom = start; // what lies before a rewritten message has not been passed on yet
        int holdFrom = -1;
        if (skip > 0) {
            int n = (int) Math.min(skip, end - pos);
            pos += n;
            skip -= n;
        }
        boolean rewritten = false;
        while (pos < end) {
            if (end - pos < HEADER) {
                holdFrom = pos;
                break;
            }
            byte type = buf.getByte(pos);
            long total = 1L + buf.getInt(pos + 1);
            boolean describes = type == ROW_DESCRIPTION || type == PARAMETER_DESCRIPTION;
            if (describes && total > MAX_DESCRIPTION) {
                buf.release();
                ctx.close(); // the pool drops the connection: nothing it says can be trusted
                return;
            }
            if (describes && total >= HEADER + 2) {
                if (end - pos < total) {
                    holdFrom = pos;
                    break;
                }
                pass(ctx, buf, passFrom, pos);
                ctx.fireChannelRead(type == ROW_DESCRIPTION
                        ? rows(ctx.alloc(), buf, pos, (int) total) : parameters(ctx.alloc(), buf, pos, (int) total));
                rewritten = true;
                pos += (int) total;
                passFrom = pos;
            } else if (total > end - pos) {
                skip = total - (end - pos);
                pos = end;
            } else {
                pos += (int) Math.max(total, 1); // a length below 4 is garbage: the codec reports it
            }
        }
        if (!rewritten && holdFrom < 0) {
            ctx.fireChannelRead(buf); // the usual case: nothing to change, the buffer goes on as it is
            return;
        }
        try {
            pass(ctx, buf, passFrom, holdFrom < 0 ? end : holdFrom);
            if (holdFrom >= 0) {
                pending = ctx.alloc().buffer(Math.max(256, end - holdFrom)).writeBytes(buf, holdFrom, end - holdFrom);
            }
        } finally {
            buf.release();
        }
    }

    private static void pass(ChannelHandlerContext ctx, ByteBuf buf, int from, int to) {
        if (to > from) {
            ctx.fireChannelRead(buf.retainedSlice(from, to - from));
        }
    }

    /** ParameterDescription: int16 count, then one int32 type OID per parameter. */
    private static ByteBuf parameters(ByteBufAllocator alloc, ByteBuf in, int at, int total) {
        ByteBuf out = alloc.buffer(total);
        out.writeBytes(in, at, HEADER);
        int count = in.getUnsignedShort(at + HEADER);
        out.writeShort(count);
        int p = at + HEADER + 2;
        for (int i = 0; i < count && p + 4 <= at + total; i++, p += 4) {
            out.writeInt(parameterType(in.getInt(p)));
        }
        out.writeBytes(in, p, at + total - p);
        return out;
    }

    /**
     * RowDescription: int16 count, then per column its name (a C string), table OID (int32),
     * column number (int16), type OID (int32), type length (int16), type modifier (int32), format (int16).
     */
    private static ByteBuf rows(ByteBufAllocator alloc, ByteBuf in, int at, int total) {
        int count = in.getUnsignedShort(at + HEADER);
        ByteBuf out = alloc.buffer(total + count * 12);
        out.writeByte(ROW_DESCRIPTION).writeInt(0).writeShort(count);
        int p = at + HEADER + 2;
        int limit = at + total;
        for (int i = 0; i < count; i++) {
            int nul = in.indexOf(p, limit, (byte) 0);
            if (nul < 0 || nul + 19 > limit) {
                break; // malformed: the rest goes as it came, for the codec to report
            }
            int oid = in.getInt(nul + 7);
            out.writeBytes(in, p, nul - p);
            out.writeByte(MARK).writeCharSequence(Integer.toUnsignedString(oid), StandardCharsets.US_ASCII);
            out.writeByte(0);
            out.writeBytes(in, nul + 1, 6); // table OID, column number
            out.writeInt(columnType(oid));
            out.writeBytes(in, nul + 11, 8); // type length, type modifier, format
            p = nul + 19;
        }
        out.writeBytes(in, p, limit - p);
        out.setInt(1, out.writerIndex() - 1);
        return out;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
