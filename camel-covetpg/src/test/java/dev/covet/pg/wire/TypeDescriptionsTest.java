package dev.covet.pg.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.Samples;
import dev.covet.pg.types.PgTypes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The type rewriting on the bytes themselves, without a server: however the server's stream is
 * cut into reads, the driver sees every other message as it was and the two descriptions rewritten.
 */
@Tag("fast")
class TypeDescriptionsTest {

    /** A RowDescription of an integer and a numeric column, rows, a ParameterDescription of int4, json, interval, then the end. */
    private static final byte[] STREAM = concat(
            rowDescription("id", PgTypes.INT4, "total", PgTypes.NUMERIC),
            dataRow("1", "12.50"),
            dataRow("2", "x".repeat(300)),
            parameterDescription(PgTypes.INT4, PgTypes.JSON, 1186),
            message('C', "SELECT 2\0".getBytes(StandardCharsets.US_ASCII)),
            message('Z', new byte[] {'I'}));

    private static final byte[] REWRITTEN = concat(
            rowDescription("id\u000123", PgTypes.INT4, "total\u00011700", PgTypes.TSVECTOR),
            dataRow("1", "12.50"),
            dataRow("2", "x".repeat(300)),
            parameterDescription(PgTypes.INT4, PgTypes.TSVECTOR, PgTypes.UNKNOWN),
            message('C', "SELECT 2\0".getBytes(StandardCharsets.US_ASCII)),
            message('Z', new byte[] {'I'}));

    @Test
    void theDescriptionsAreRewrittenAndEverythingElsePassesAsItCame() {
        assertThat(through(List.of(STREAM.length))).isEqualTo(REWRITTEN);
    }

    @Test
    void everyPlaceAReadCanEndIsHandled() {
        for (int cut = 1; cut < STREAM.length; cut++) {
            assertThat(through(List.of(cut, STREAM.length - cut))).as("cut after byte " + cut).isEqualTo(REWRITTEN);
        }
    }

    @Test
    void anyCuttingOfTheStreamGivesTheSameBytes() {
        Samples.check(300, r -> {
            List<Integer> cuts = new java.util.ArrayList<>();
            for (int i = Samples.between(r, 1, 60); i > 0; i--) {
                cuts.add(Samples.between(r, 1, 40));
            }
            return cuts;
        }, cuts -> assertThat(through(cuts)).isEqualTo(REWRITTEN));
    }

    @Test
    void aDescriptionNoServerWouldSendClosesTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new TypeDescriptions());
        ByteBuf huge = Unpooled.buffer().writeByte('T').writeInt(64 << 20);
        channel.writeInbound(huge);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void whichTypesTheDriverSeesAsThemselves() {
        assertThat(TypeDescriptions.parameterType(PgTypes.INT2)).isEqualTo(PgTypes.INT2);
        assertThat(TypeDescriptions.parameterType(PgTypes.BYTEA)).isEqualTo(PgTypes.BYTEA);
        assertThat(TypeDescriptions.parameterType(PgTypes.JSONB)).isEqualTo(PgTypes.TSVECTOR);
        assertThat(TypeDescriptions.parameterType(PgTypes.BOOL)).isEqualTo(PgTypes.UNKNOWN);
        assertThat(TypeDescriptions.parameterType(PgTypes.TIMESTAMP)).isEqualTo(PgTypes.UNKNOWN);
        assertThat(TypeDescriptions.columnType(PgTypes.TIMESTAMPTZ)).isEqualTo(PgTypes.TIMESTAMPTZ);
        assertThat(TypeDescriptions.columnType(PgTypes.TIME)).isEqualTo(PgTypes.TSVECTOR);
        assertThat(TypeDescriptions.columnType(1007)).isEqualTo(PgTypes.TSVECTOR);
    }

    /** The bytes the next handler gets when the stream arrives in reads of the given sizes (the last read takes the rest). */
    private static byte[] through(List<Integer> sizes) {
        EmbeddedChannel channel = new EmbeddedChannel(new TypeDescriptions());
        int at = 0;
        for (int size : sizes) {
            if (at >= STREAM.length) {
                break;
            }
            int n = Math.min(size, STREAM.length - at);
            channel.writeInbound(Unpooled.copiedBuffer(STREAM, at, n));
            at += n;
        }
        if (at < STREAM.length) {
            channel.writeInbound(Unpooled.copiedBuffer(STREAM, at, STREAM.length - at));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = channel.readInbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        assertThat(channel.finish()).isFalse();
        return out.toByteArray();
    }

    private static byte[] rowDescription(String name1, int type1, String name2, int type2) {
        ByteBuf body = Unpooled.buffer().writeShort(2);
        field(body, name1, type1);
        field(body, name2, type2);
        return message('T', bytes(body));
    }

    private static void field(ByteBuf body, String name, int type) {
        body.writeBytes(name.getBytes(StandardCharsets.UTF_8)).writeByte(0).writeInt(16_400).writeShort(1).writeInt(type)
                .writeShort(-1).writeInt(-1).writeShort(0);
    }

    private static byte[] parameterDescription(int... types) {
        ByteBuf body = Unpooled.buffer().writeShort(types.length);
        for (int t : types) {
            body.writeInt(t);
        }
        return message('t', bytes(body));
    }

    private static byte[] dataRow(String... values) {
        ByteBuf body = Unpooled.buffer().writeShort(values.length);
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            body.writeInt(b.length).writeBytes(b);
        }
        return message('D', bytes(body));
    }

    private static byte[] message(char type, byte[] body) {
        return bytes(Unpooled.buffer().writeByte(type).writeInt(body.length + 4).writeBytes(body));
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
