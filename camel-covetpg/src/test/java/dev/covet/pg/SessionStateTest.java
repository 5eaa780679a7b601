package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one exchange does to its connection's session does not reach the next user of that pooled
 * connection: a statement that changes the session beyond itself has its connection closed when
 * it is given back; every other statement leaves the connection in the pool.
 */
class SessionStateTest extends CovetPgTestSupport {

    private CamelContext context;
    private final String app = "covetpg-session-" + Long.toHexString(System.nanoTime());

    @BeforeEach
    void start() throws Exception {
        context = startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(1);
            c.setMaxPoolSize(1); // one connection: whatever runs next runs where the change was made
        });
    }

    private Object value(String sql) {
        Exchange out = send(context, "covetpg:query?outputType=SelectValue&sql=" + sql, null);
        assertThat(out.getException()).as(sql).isNull();
        return out.getMessage().getBody();
    }

    @Test
    void aSessionLevelSetRoleLockOrListenDoesNotReachTheNextExchange() {
        String searchPath = (String) value("SHOW search_path");
        String user = (String) value("SELECT current_user");
        db.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'covetpg_session_role') THEN"
                + " CREATE ROLE covetpg_session_role; END IF; END $$", "GRANT covetpg_session_role TO CURRENT_USER");

        send(context, "covetpg:query?sql=SET search_path TO pg_catalog", null);
        assertThat(value("SHOW search_path")).isEqualTo(searchPath);
        send(context, "covetpg:query?sql=SET ROLE covetpg_session_role", null);
        assertThat(value("SELECT current_user")).isEqualTo(user);
        send(context, "covetpg:query?sql=SELECT pg_advisory_lock(4242)", null);
        assertThat(db.queryValue("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory'"
                + " AND a.application_name = '" + app + "'")).isEqualTo(0L);
        send(context, "covetpg:query?sql=LISTEN covetpg_session_channel", null);
        assertThat(value("SELECT count(*) FROM pg_listening_channels()")).isEqualTo(0L);
        send(context, "covetpg:query?sql=SELECT set_config('application_name', 'someone-else', false)", null);
        assertThat(value("SHOW application_name")).isEqualTo(app);
    }

    @Test
    void everyOtherStatementKeepsItsConnectionInThePool() {
        Object pid = value("SELECT pg_backend_pid()");
        send(context, "covetpg:query?sql=SELECT 'SET search_path TO x' -- SET ROLE y", null);
        send(context, "covetpg:batch?sql=SELECT $1", java.util.List.of(java.util.List.of(1)));
        assertThat(value("SELECT pg_backend_pid()")).as("the same connection").isEqualTo(pid);
    }
}
