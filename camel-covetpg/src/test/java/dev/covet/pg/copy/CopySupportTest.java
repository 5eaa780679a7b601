package dev.covet.pg.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.Test;

/** Fails loudly when a Vert.x upgrade moves what COPY relies on. */
class CopySupportTest extends CopyTestSupport {

    @Test
    void aPooledConnectionSupportsCopy() {
        SqlConnection conn = connection(pool(1));
        assertThatCode(() -> CopySupport.check(conn)).doesNotThrowAnyException();
        assertThat(CopySupport.socketOf(conn).socket().channelHandlerContext().pipeline().names())
                .contains(CopySupport.CODEC_HANDLER);
        conn.close();
    }

    @Test
    void aPlainConnectionSupportsCopy() throws Exception {
        PgConnection conn = await(PgConnection.connect(vertx, new PgConnectOptions()
                .setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                .setUser(db.user()).setPassword(db.password())));
        try {
            CopySupport.check(conn);
            try (CopyOutStream in = CopyOut.start(conn, "COPY (SELECT 'plain') TO STDOUT")) {
                assertThat(new String(in.readAllBytes())).isEqualTo("plain\n");
            }
            assertThat(selectOne(conn)).isEqualTo(1);
        } finally {
            await(conn.close());
        }
    }

    @Test
    void theVersionAssumedIsTheVersionOnTheClasspath() {
        assertThat(PgConnection.class.getPackage().getImplementationVersion())
                .as("dev.covet.pg.copy is written against vertx-pg-client " + CopySupport.VERTX_VERSION_ASSUMED
                        + "; after an upgrade, re-check its use of Vert.x internals, then update VERTX_VERSION_ASSUMED")
                .isEqualTo(CopySupport.VERTX_VERSION_ASSUMED);
    }

    @Test
    void theHandlerIsGoneAfterTheCopy() throws Exception {
        SqlConnection conn = connection(pool(1));
        // more than the stream buffers, so that the COPY cannot have ended before we look
        try (CopyOutStream in = CopyOut.start(conn, "COPY (SELECT g FROM generate_series(1, 1000000) g) TO STDOUT")) {
            assertThat(CopySupport.socketOf(conn).socket().channelHandlerContext().pipeline().names())
                    .contains(CopyFrameHandler.NAME);
            in.readAllBytes();
        }
        assertThat(CopySupport.socketOf(conn).socket().channelHandlerContext().pipeline().names())
                .doesNotContain(CopyFrameHandler.NAME);
        conn.close();
    }
}
