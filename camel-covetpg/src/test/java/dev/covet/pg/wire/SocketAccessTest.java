package dev.covet.pg.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.covet.pg.copy.CopyOut;
import dev.covet.pg.copy.CopyOutStream;
import dev.covet.pg.copy.CopyTestSupport;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.Test;

/** Fails loudly when a Vert.x upgrade moves what COPY relies on. */
class SocketAccessTest extends CopyTestSupport {

    @Test
    void aPooledConnectionSupportsCopy() {
        SqlConnection conn = connection(pool(1));
        assertThatCode(() -> SocketAccess.check(conn)).doesNotThrowAnyException();
        assertThat(SocketAccess.pipeline(conn).names())
                .contains(SocketAccess.CODEC_HANDLER);
        conn.close();
    }

    @Test
    void aPlainConnectionSupportsCopy() throws Exception {
        PgConnection conn = await(PgConnection.connect(vertx, new PgConnectOptions()
                .setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                .setUser(db.user()).setPassword(db.password())));
        try {
            SocketAccess.check(conn);
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
                .as("dev.covet.pg.wire is written against vertx-pg-client " + SocketAccess.VERTX_VERSION_ASSUMED
                        + "; after an upgrade, re-check its use of Vert.x internals, then update VERTX_VERSION_ASSUMED")
                .isEqualTo(SocketAccess.VERTX_VERSION_ASSUMED);
    }
}
