package dev.covet.pg.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Limits of the COPY protocol code that need no server. */
@Tag("fast")
class CopyLimitsTest {

    @Test
    void aRowCountAbove2To31IsReadAsALong() {
        // the driver parses the tag into an int, which wraps to a negative count
        assertThat(CopySession.rowCount("COPY 3000000000")).isEqualTo(3_000_000_000L);
        assertThat(CopySession.rowCount("COPY 0")).isZero();
        assertThat(CopySession.rowCount("INSERT 0 1")).isEqualTo(-1);
    }

    @Test
    void aCopyDataFrameLongerThanAnyServerSendsClosesTheConnectionInsteadOfBeingBuffered() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new CopyFrameHandler(null, false));
        // a CopyData that says it is 2 GiB long: its first bytes alone must end it
        channel.writeInbound(Unpooled.buffer().writeByte('d').writeInt(Integer.MAX_VALUE).writeBytes(new byte[64]));
        assertThat(channel.isOpen()).isFalse();
    }
}
