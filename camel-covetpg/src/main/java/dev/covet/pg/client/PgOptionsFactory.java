package dev.covet.pg.client;

import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** The one place where covetpg's settings become Vert.x options. */
final class PgOptionsFactory {

    private PgOptionsFactory() {
    }

    static PgConnectOptions connectOptions(ClientSettings s) {
        PgConnectOptions o = new PgConnectOptions()
                .setHost(s.host())
                .setPort(s.port())
                .setDatabase(s.database())
                .setUser(s.user())
                .setPassword(s.password() == null ? "" : s.password())
                .setPipeliningLimit(s.pipeliningLimit())
                .setTcpKeepAlive(true)
                .setTcpNoDelay(true);
        // Off by default in Vert.x: each prepared query would then cost an extra round trip.
        o.setCachePreparedStatements(s.statementCacheSize() > 0);
        if (s.statementCacheSize() > 0) {
            o.setPreparedStatementCacheMaxSize(s.statementCacheSize());
            o.setPreparedStatementCacheSqlLimit(s.maxCacheableStatementSize());
        }
        // 0 is "as long as the operating system lets a connect take" for Netty too, not Vert.x's 60 s default
        o.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, s.connectTimeout()));
        // Setting any property replaces the driver's defaults (DateStyle, client_encoding, ...), so
        // start from them and add ours.
        o.setProperties(new java.util.HashMap<>(PgConnectOptions.DEFAULT_PROPERTIES));
        o.addProperty("application_name", s.applicationName());
        s.serverSettings().forEach(o::addProperty);
        if (s.queryTimeout() > 0) {
            // enforced by the server, so a query that runs too long really stops (SQLSTATE 57014)
            o.addProperty("statement_timeout", Long.toString(s.queryTimeout()));
        }
        applyTls(o, s);
        return o;
    }

    private static void applyTls(PgConnectOptions o, ClientSettings s) {
        o.setSslMode(switch (s.sslMode()) {
            case DISABLE -> io.vertx.pgclient.SslMode.DISABLE;
            case ALLOW -> io.vertx.pgclient.SslMode.ALLOW;
            case PREFER -> io.vertx.pgclient.SslMode.PREFER;
            // libpq's require verifies the chain only when a root certificate is given
            case REQUIRE -> s.sslRootCert() != null ? io.vertx.pgclient.SslMode.VERIFY_CA : io.vertx.pgclient.SslMode.REQUIRE;
            case VERIFY_CA -> io.vertx.pgclient.SslMode.VERIFY_CA;
            case VERIFY_FULL -> io.vertx.pgclient.SslMode.VERIFY_FULL;
        });
        if (s.sslMode() == SslMode.DISABLE) {
            return;
        }
        // Explicit trust for every mode: without it Vert.x would check the JVM trust store in
        // modes where libpq verifies nothing, and fail where libpq succeeds.
        if (s.sslRootCert() != null) {
            o.setTrustOptions(new PemTrustOptions().addCertPath(s.sslRootCert()));
        } else {
            o.setTrustAll(true);
        }
        o.setHostnameVerificationAlgorithm(s.sslMode() == SslMode.VERIFY_FULL ? "HTTPS" : "");
        if (s.sslCert() != null) {
            o.setKeyCertOptions(new PemKeyCertOptions().addCertPath(s.sslCert()).addKeyPath(s.sslKey()));
        }
    }

    static PoolOptions poolOptions(ClientSettings s, String name) {
        PoolOptions p = new PoolOptions()
                .setName(name)
                .setMaxSize(s.maxPoolSize())
                .setMaxWaitQueueSize(s.maxWaitQueueSize());
        // acquireTimeout is enforced by PgClient: Vert.x 4.5's own timeout can lose a connection for good
        p.setConnectionTimeout(0);
        p.setIdleTimeout(toIntMillis(s.idleTimeout())).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        p.setMaxLifetime(toIntMillis(s.maxLifetime())).setMaxLifetimeUnit(TimeUnit.MILLISECONDS);
        if (s.idleTimeout() > 0 || s.maxLifetime() > 0) {
            // how often expired connections are looked for; a tenth of the shortest limit, at least 100 ms
            long shortest = Math.min(positiveOrMax(s.idleTimeout()), positiveOrMax(s.maxLifetime()));
            p.setPoolCleanerPeriod(toIntMillis(Math.max(100, Math.min(1000, shortest / 10))));
        }
        return p;
    }

    private static long positiveOrMax(long millis) {
        return millis > 0 ? millis : Long.MAX_VALUE;
    }

    private static int toIntMillis(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
