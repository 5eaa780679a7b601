package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.PgSession;
import dev.covet.pg.wire.KeepAlive;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/** tcpKeepAliveIdle reaches the sockets of the pool's connections; without it they keep the operating system's timing. */
class KeepAliveTest extends CovetPgTestSupport {

    @Test
    void theIdleTimeIsSetOnEveryPooledConnection() throws Exception {
        CamelContext context = startContext(c -> {
            c.setTcpKeepAliveIdle(30_000);
            c.setMinPoolSize(2);
        });
        try (PgSession session = covetpg(context).client().openSession(10_000)) {
            assertThat(KeepAlive.idleSeconds(session.connection())).isEqualTo(30);
        }
    }

    @Test
    void withoutItTheOperatingSystemsTimingStays() throws Exception {
        CamelContext context = startContext(c -> { });
        try (PgSession session = covetpg(context).client().openSession(10_000)) {
            Path osDefault = Path.of("/proc/sys/net/ipv4/tcp_keepalive_time");
            // read as a stream: /proc files report a size that is not theirs
            int expected = -1;
            if (Files.exists(osDefault)) {
                try (var in = Files.newInputStream(osDefault)) {
                    expected = Integer.parseInt(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim());
                }
            }
            int idle = KeepAlive.idleSeconds(session.connection());
            assertThat(idle).isNotEqualTo(30);
            if (expected > 0) {
                assertThat(idle).isEqualTo(expected);
            }
        }
    }

    @Test
    void lessThanASecondIsRefusedAtStart() throws Exception {
        CamelContext context = newContext(c -> c.setTcpKeepAliveIdle(500));
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(context::start);
        assertThat(failure).hasStackTraceContaining("Invalid tcpKeepAliveIdle '500ms'");
    }
}
