package dev.covet.pg;

import dev.covet.pg.client.ClientSettings;
import dev.covet.pg.client.HostPort;
import dev.covet.pg.client.MonitorSettings;
import dev.covet.pg.client.PgUrl;
import dev.covet.pg.client.ReadFrom;
import dev.covet.pg.client.ResilienceSettings;
import dev.covet.pg.client.SslMode;
import dev.covet.pg.wire.AuthRequirements;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The connection and pool options of one covetpg component (one pool per component instance,
 * shared by its endpoints). {@link #toClientSettings()} is where they are merged and checked.
 */
@UriParams
public class CovetPgConfiguration implements Cloneable {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 5432;
    static final String DEFAULT_APPLICATION_NAME = "camel-covetpg";
    static final String DEFAULT_SSL_MODE = "prefer";
    static final long DEFAULT_CONNECT_TIMEOUT = 10_000;

    @UriParam(label = "common", secret = true,
              description = "Connection URI in libpq's form: postgresql:// then optionally user:password and an at sign, then host:port/database,"
                            + " then optionally the query keys sslmode, sslrootcert, sslcert, sslkey, require_auth, channel_binding, application_name, connect_timeout (seconds), host, port, dbname,"
                            + " user, password, target_session_attrs. Several hosts are written postgresql://h1:5432,h2:5433/db: each is a candidate, the"
                            + " primary is found by asking. Unknown keys are rejected. A separate option (host, port, database, user, password, sslMode, ...)"
                            + " that is set overrides the URI's value.")
    private String url;
    @UriParam(label = "common", defaultValue = DEFAULT_HOST, description = "Host name or address of the PostgreSQL server.")
    private String host;
    @UriParam(label = "common", defaultValue = "5432", description = "TCP port of the PostgreSQL server.")
    private Integer port;
    @UriParam(label = "common", description = "Database to connect to. Defaults to the user name, as in libpq.")
    private String database;
    @UriParam(label = "security", secret = true, defaultValue = "postgres", description = "Role to connect as.")
    private String user;
    @UriParam(label = "security", secret = true, description = "Password of the role. Never logged, never shown in URIs or exception messages.")
    private String password;

    @UriParam(label = "security", defaultValue = DEFAULT_SSL_MODE, enums = "disable,allow,prefer,require,verify-ca,verify-full",
              description = "TLS mode with libpq's meaning: disable (plain), allow (plain, TLS if the server insists), prefer (TLS if offered, else plain; no verification),"
                            + " require (TLS, no verification unless sslRootCert is given), verify-ca (TLS, certificate must chain to sslRootCert),"
                            + " verify-full (as verify-ca and the certificate must name the host). Modes that verify never fall back to plain text.")
    private String sslMode;
    @UriParam(label = "security", description = "PEM file with the CA certificate(s) the server's certificate must chain to. Needed by verify-ca and verify-full.")
    private String sslRootCert;
    @UriParam(label = "security", description = "PEM file with the client certificate, for servers that authenticate clients by certificate. Needs sslKey.")
    private String sslCert;
    @UriParam(label = "security", secret = true, description = "PEM file with the private key of sslCert (PKCS#8 or PKCS#1).")
    private String sslKey;
    @UriParam(label = "security",
              description = "Authentication methods the server may ask for, with libpq's require_auth meaning: a comma-separated list of"
                            + " password, md5, gss, sspi, scram-sha-256 and none (no authentication), or of methods it must not use, each"
                            + " written with a leading ! (as in !password,!md5). A server that asks for another method is disconnected before"
                            + " anything derived from the password is sent. Not set: any method.")
    private String requireAuth;
    @UriParam(label = "security", defaultValue = "prefer", enums = "prefer,require",
              description = "SCRAM channel binding, with libpq's channel_binding meaning: prefer binds SCRAM-SHA-256 to the TLS channel when"
                            + " the server offers it; require disconnects, before anything derived from the password is sent, from a server"
                            + " that does not authenticate by SCRAM-SHA-256-PLUS over TLS, so that whoever answers must know the password:"
                            + " with a password, this protects without verifying the server's certificate.")
    private String channelBinding;

    @UriParam(label = "common", defaultValue = DEFAULT_APPLICATION_NAME,
              description = "application_name reported to the server, as seen in pg_stat_activity.")
    private String applicationName;
    @UriParam(label = "advanced", prefix = "serverSettings.", multiValue = true,
              description = "Run-time parameters set on every connection at start-up, e.g. serverSettings.timezone=UTC or serverSettings.search_path=etl,public.")
    private Map<String, Object> serverSettings = new LinkedHashMap<>();

    @UriParam(label = "common", defaultValue = "10s", javaType = "java.time.Duration",
              description = "Limit on opening a TCP connection to the server (the URI's connect_timeout, in seconds, is also understood). 0 waits as long as the OS does.")
    private Long connectTimeout;
    @UriParam(label = "common", defaultValue = "0", javaType = "java.time.Duration",
              description = "Limit on each statement, enforced by the server (statement_timeout) so a query that runs too long really stops; it then fails with SQLSTATE 57014"
                            + " as a CovetPgTimeoutException. 0 means no limit.")
    private long queryTimeout;
    @UriParam(label = "common", defaultValue = "0", javaType = "java.time.Duration",
              description = "Limit on a whole operation, waiting for a connection included. When it runs out the statement is cancelled on the server and the exchange fails"
                            + " with a CovetPgTimeoutException. 0 means no limit.")
    private long commandTimeout;

    @UriParam(label = "pool", defaultValue = "1",
              description = "Connections opened and checked with a round trip when the component starts; start-up fails with a clear error if they cannot be opened."
                            + " 0 opens none until the first operation.")
    private int minPoolSize = 1;
    @UriParam(label = "pool", defaultValue = "10", description = "Most connections the pool opens.")
    private int maxPoolSize = 10;
    @UriParam(label = "pool", defaultValue = "-1",
              description = "Most operations that may wait for a connection when all are busy; one more fails at once. -1 means no bound (acquireTimeout still applies).")
    private int maxWaitQueueSize = -1;
    @UriParam(label = "pool", defaultValue = "30s", javaType = "java.time.Duration",
              description = "How long an operation waits for a free connection before failing with a CovetPgPoolExhaustedException. 0 waits forever.")
    private long acquireTimeout = 30_000;
    @UriParam(label = "pool", defaultValue = "10m", javaType = "java.time.Duration",
              description = "A connection idle for this long is closed. 0 keeps idle connections open.")
    private long idleTimeout = 600_000;
    @UriParam(label = "pool", defaultValue = "30m", javaType = "java.time.Duration",
              description = "A connection is closed once this old (when next idle), so that none outlives a server-side or network limit. 0 means no limit.")
    private long maxLifetime = 1_800_000;

    @UriParam(label = "advanced", defaultValue = "256",
              description = "Prepared statements kept per connection; a statement run again skips the parse round trip. 0 turns the cache off.")
    private int statementCacheSize = 256;
    @UriParam(label = "advanced", defaultValue = "2048", description = "Statements longer than this many characters are not cached.")
    private int maxCacheableStatementSize = 2048;
    @UriParam(label = "advanced", defaultValue = "0", javaType = "java.time.Duration",
              description = "Idle time on a connection after which TCP keepalive probes start (then one every 10s, or this if shorter, and the connection"
                            + " is dropped after 3 unanswered): how soon a server that vanished without closing the socket is noticed. 0 keeps the"
                            + " operating system's timing (on Linux, 2 hours). At least 1s; whole seconds.")
    private long tcpKeepAliveIdle;
    @UriParam(label = "advanced", defaultValue = "256", description = "Most commands in flight on one connection at once (pipelining).")
    private int pipeliningLimit = 256;
    @UriParam(label = "advanced", defaultValue = "false",
              description = "Let covetpg:query statements outside a transaction share pooled connections, pipelined (up to pipeliningLimit in flight on one"
                            + " connection, on at most half of maxPoolSize connections): many more statements per second under concurrency, but a slow"
                            + " statement delays the ones queued behind it on its connection. Statements with a commandTimeout or an endpoint queryTimeout"
                            + " keep a connection of their own (a cancel must not hit a neighbour).")
    private boolean pipelining;
    @UriParam(label = "advanced", defaultValue = "0",
              description = "Threads the route continues on after a covetpg step (the I/O completes on a Vert.x event loop, where no route step runs)."
                            + " 0: one per processor, at least 2. More threads than processors cost CPU on every exchange (each hand-off wakes a"
                            + " sleeping thread); raise it when the steps after covetpg block (HTTP calls, files), or put those behind threads().")
    private int completionThreads;

    @UriParam(label = "advanced", defaultValue = "0", javaType = "java.time.Duration",
              description = "Statements that run longer than this are logged once at WARN (logger dev.covet.pg.SlowQuery) with the duration, the operation"
                            + " and the statement's text with string literals blanked; parameter values and credentials are never logged. The time counts from"
                            + " when the statement is sent, waiting for a connection excluded. 0 turns the log off.")
    private long slowQueryThreshold;
    @UriParam(label = "pool", defaultValue = "10s", javaType = "java.time.Duration",
              description = "How long operations must have been waiting for a connection, or the pool stayed at or above poolUtilizationWarningRatio, before a"
                            + " warning is logged (logger dev.covet.pg.PoolWarnings). The pool is sampled by a timer, not per exchange. 0 turns these warnings off.")
    private long poolWarningDelay = 10_000;
    @UriParam(label = "pool", defaultValue = "0.8",
              description = "Share of maxPoolSize in use (above 0, at most 1) at or above which the pool counts as busy for the warning of poolWarningDelay.")
    private double poolUtilizationWarningRatio = 0.8;
    @UriParam(label = "pool", defaultValue = "60s", javaType = "java.time.Duration",
              description = "At most one pool warning of each kind (exhausted, busy) is logged per this interval while the condition lasts. At least 1s.")
    private long poolWarningInterval = 60_000;

    @UriParam(label = "ha", description = "Replicas (streaming standbys) besides the primary, as host:port pairs separated by commas; reads go there"
                                          + " as readFrom says. A url with several hosts (postgresql://h1:5432,h2:5433/db) adds its hosts too. Which server is the"
                                          + " primary is found by asking each (pg_is_in_recovery()), so after a failover the promoted one takes the writes.")
    private String replicas;
    @UriParam(label = "ha", defaultValue = "primary", enums = "primary,replica,replicaPreferred",
              description = "Where reads go: primary; replica (a healthy replica, else the read fails at once); replicaPreferred (a healthy replica,"
                            + " else the primary). Reads are query statements, StreamList, the consumer's cursor and copy out; an endpoint may override it."
                            + " Writes and everything in a route transaction always go to the primary. The url's target_session_attrs sets it too.")
    private String readFrom;
    @UriParam(label = "ha", defaultValue = "5s", javaType = "java.time.Duration",
              description = "With several servers: how often each one's role (primary or replica) and health is checked, on a connection of its own."
                            + " A failed connection to the primary also triggers a check at once. At least 100ms.")
    private long replicaCheckInterval = 5_000;
    @UriParam(label = "ha", defaultValue = "3",
              description = "Retries of an operation outside a transaction after a failure that cannot have taken effect: no connection (08xxx, refused),"
                            + " serialization failure 40001, deadlock 40P01, server shutdown 57P01/57P02/57P03. A statement whose connection died after it"
                            + " was sent is not retried unless it ran on a replica or in a transaction that never committed: it fails with a"
                            + " CovetPgUnknownOutcomeException. A pooled connection found closed before sending is replaced at once, and a write a replica"
                            + " refused is rerun on the primary, neither counting against maxRetries."
                            + " 0 turns retries off.")
    private int maxRetries = 3;
    @UriParam(label = "ha", defaultValue = "100ms", javaType = "java.time.Duration",
              description = "Wait before the first retry; doubled for each next one (with up to a quarter of random jitter), up to retryMaxBackoff.")
    private long retryBackoff = 100;
    @UriParam(label = "ha", defaultValue = "2s", javaType = "java.time.Duration", description = "Longest wait between two attempts.")
    private long retryMaxBackoff = 2_000;
    @UriParam(label = "ha", defaultValue = "5",
              description = "Failed attempts in a row to connect to a server after which its circuit breaker opens: only a probe then connects,"
                            + " and operations wait for it to reach the server within their acquireTimeout, then fail with a"
                            + " CovetPgCircuitOpenException (with several servers, writes wait for another primary instead); the health check"
                            + " shows each server's breaker. 0 turns the breaker off.")
    private int circuitBreakerThreshold = 5;
    @UriParam(label = "ha", defaultValue = "1s", javaType = "java.time.Duration",
              description = "How often a server behind an open circuit breaker is probed (a new connection and SELECT 1). At least 100ms.")
    private long circuitBreakerProbeInterval = 1_000;

    /** Merges {@link #url} with the separate options and checks every value. */
    public ClientSettings toClientSettings() {
        PgUrl parsed = url == null || url.isBlank() ? null : PgUrl.parse(url);
        Map<String, String> params = parsed == null ? Map.of() : parsed.params();
        String resolvedUser = first(user, parsed == null ? null : parsed.user(), "postgres");
        String mode = first(sslMode, params.get("sslmode"), DEFAULT_SSL_MODE);
        long resolvedConnectTimeout = connectTimeout != null ? connectTimeout
                : params.containsKey("connect_timeout") ? seconds(params.get("connect_timeout")) : DEFAULT_CONNECT_TIMEOUT;
        Map<String, String> settings = new LinkedHashMap<>();
        serverSettings.forEach((k, v) -> settings.put(k, String.valueOf(v)));
        return new ClientSettings(
                first(host, parsed == null ? null : parsed.host(), DEFAULT_HOST),
                port != null ? port : parsed != null && parsed.port() != null ? parsed.port() : DEFAULT_PORT,
                first(database, parsed == null ? null : parsed.database(), resolvedUser),
                resolvedUser,
                first(password, parsed == null ? null : parsed.password(), null),
                SslMode.parse(mode, "sslMode"),
                first(sslRootCert, params.get("sslrootcert"), null),
                first(sslCert, params.get("sslcert"), null),
                first(sslKey, params.get("sslkey"), null),
                AuthRequirements.parse(first(requireAuth, params.get("require_auth"), null),
                        first(channelBinding, params.get("channel_binding"), null)),
                first(applicationName, params.get("application_name"), DEFAULT_APPLICATION_NAME),
                settings,
                resolvedConnectTimeout,
                minPoolSize, maxPoolSize, maxWaitQueueSize, acquireTimeout, idleTimeout, maxLifetime,
                queryTimeout, commandTimeout, statementCacheSize, maxCacheableStatementSize, pipeliningLimit, pipelining,
                new MonitorSettings(slowQueryThreshold, poolWarningDelay, poolUtilizationWarningRatio, poolWarningInterval),
                resilience(parsed, params));
    }

    private ResilienceSettings resilience(PgUrl parsed, Map<String, String> params) {
        List<HostPort> others = new ArrayList<>(parsed == null ? List.of() : parsed.moreHosts());
        others.addAll(HostPort.parseList(replicas, DEFAULT_PORT, "replicas"));
        ReadFrom reads = readFrom != null && !readFrom.isBlank() ? ReadFrom.parse(readFrom, "readFrom")
                : params.containsKey("target_session_attrs") ? ReadFrom.fromTargetSessionAttrs(params.get("target_session_attrs"))
                : ReadFrom.PRIMARY;
        return new ResilienceSettings(others, reads, replicaCheckInterval, maxRetries, retryBackoff, retryMaxBackoff,
                circuitBreakerThreshold, circuitBreakerProbeInterval);
    }

    private static String first(String option, String fromUrl, String fallback) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        return fromUrl != null && !fromUrl.isBlank() ? fromUrl : fallback;
    }

    private static long seconds(String text) {
        try {
            return Long.parseLong(text.trim()) * 1000;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid url: connect_timeout '" + text + "' must be a whole number of seconds");
        }
    }

    public CovetPgConfiguration copy() {
        try {
            CovetPgConfiguration copy = (CovetPgConfiguration) clone();
            copy.serverSettings = new LinkedHashMap<>(serverSettings);
            return copy;
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    @Override
    public String toString() {
        return "CovetPgConfiguration[url=" + PgUrl.redact(url) + ", host=" + host + ", port=" + port + ", database=" + database
                + ", password=" + (password == null ? "null" : "xxxxxx") + ", sslMode=" + sslMode + ", pool=" + minPoolSize + ".."
                + maxPoolSize + "]";
    }

    // getters and setters: Camel's generated configurers call these

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getHost() { return host; }
    public void setHost(String host) { this.host = host; }
    public Integer getPort() { return port; }
    public void setPort(Integer port) { this.port = port; }
    public String getDatabase() { return database; }
    public void setDatabase(String database) { this.database = database; }
    public String getUser() { return user; }
    public void setUser(String user) { this.user = user; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getRequireAuth() { return requireAuth; }
    public void setRequireAuth(String requireAuth) { this.requireAuth = requireAuth; }
    public String getChannelBinding() { return channelBinding; }
    public void setChannelBinding(String channelBinding) { this.channelBinding = channelBinding; }
    public String getSslMode() { return sslMode; }
    public void setSslMode(String sslMode) { this.sslMode = sslMode; }
    public String getSslRootCert() { return sslRootCert; }
    public void setSslRootCert(String sslRootCert) { this.sslRootCert = sslRootCert; }
    public String getSslCert() { return sslCert; }
    public void setSslCert(String sslCert) { this.sslCert = sslCert; }
    public String getSslKey() { return sslKey; }
    public void setSslKey(String sslKey) { this.sslKey = sslKey; }
    public String getApplicationName() { return applicationName; }
    public void setApplicationName(String applicationName) { this.applicationName = applicationName; }
    public Map<String, Object> getServerSettings() { return serverSettings; }
    public void setServerSettings(Map<String, Object> serverSettings) { this.serverSettings = serverSettings; }
    public Long getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Long connectTimeout) { this.connectTimeout = connectTimeout; }
    public long getQueryTimeout() { return queryTimeout; }
    public void setQueryTimeout(long queryTimeout) { this.queryTimeout = queryTimeout; }
    public long getCommandTimeout() { return commandTimeout; }
    public void setCommandTimeout(long commandTimeout) { this.commandTimeout = commandTimeout; }
    public int getMinPoolSize() { return minPoolSize; }
    public void setMinPoolSize(int minPoolSize) { this.minPoolSize = minPoolSize; }
    public int getMaxPoolSize() { return maxPoolSize; }
    public void setMaxPoolSize(int maxPoolSize) { this.maxPoolSize = maxPoolSize; }
    public int getMaxWaitQueueSize() { return maxWaitQueueSize; }
    public void setMaxWaitQueueSize(int maxWaitQueueSize) { this.maxWaitQueueSize = maxWaitQueueSize; }
    public long getAcquireTimeout() { return acquireTimeout; }
    public void setAcquireTimeout(long acquireTimeout) { this.acquireTimeout = acquireTimeout; }
    public long getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(long idleTimeout) { this.idleTimeout = idleTimeout; }
    public long getMaxLifetime() { return maxLifetime; }
    public void setMaxLifetime(long maxLifetime) { this.maxLifetime = maxLifetime; }
    public int getStatementCacheSize() { return statementCacheSize; }
    public void setStatementCacheSize(int statementCacheSize) { this.statementCacheSize = statementCacheSize; }
    public int getMaxCacheableStatementSize() { return maxCacheableStatementSize; }
    public void setMaxCacheableStatementSize(int maxCacheableStatementSize) { this.maxCacheableStatementSize = maxCacheableStatementSize; }
    public long getTcpKeepAliveIdle() { return tcpKeepAliveIdle; }
    public void setTcpKeepAliveIdle(long tcpKeepAliveIdle) { this.tcpKeepAliveIdle = tcpKeepAliveIdle; }
    public boolean isPipelining() { return pipelining; }
    public void setPipelining(boolean pipelining) { this.pipelining = pipelining; }
    public int getCompletionThreads() { return completionThreads; }
    public void setCompletionThreads(int completionThreads) { this.completionThreads = completionThreads; }
    public int getPipeliningLimit() { return pipeliningLimit; }
    public void setPipeliningLimit(int pipeliningLimit) { this.pipeliningLimit = pipeliningLimit; }
    public long getSlowQueryThreshold() { return slowQueryThreshold; }
    public void setSlowQueryThreshold(long slowQueryThreshold) { this.slowQueryThreshold = slowQueryThreshold; }
    public long getPoolWarningDelay() { return poolWarningDelay; }
    public void setPoolWarningDelay(long poolWarningDelay) { this.poolWarningDelay = poolWarningDelay; }
    public double getPoolUtilizationWarningRatio() { return poolUtilizationWarningRatio; }
    public void setPoolUtilizationWarningRatio(double poolUtilizationWarningRatio) { this.poolUtilizationWarningRatio = poolUtilizationWarningRatio; }
    public String getReplicas() { return replicas; }
    public void setReplicas(String replicas) { this.replicas = replicas; }
    public String getReadFrom() { return readFrom; }
    public void setReadFrom(String readFrom) { this.readFrom = readFrom; }
    public long getReplicaCheckInterval() { return replicaCheckInterval; }
    public void setReplicaCheckInterval(long replicaCheckInterval) { this.replicaCheckInterval = replicaCheckInterval; }
    public int getMaxRetries() { return maxRetries; }
    public void setMaxRetries(int maxRetries) { this.maxRetries = maxRetries; }
    public long getRetryBackoff() { return retryBackoff; }
    public void setRetryBackoff(long retryBackoff) { this.retryBackoff = retryBackoff; }
    public long getRetryMaxBackoff() { return retryMaxBackoff; }
    public void setRetryMaxBackoff(long retryMaxBackoff) { this.retryMaxBackoff = retryMaxBackoff; }
    public int getCircuitBreakerThreshold() { return circuitBreakerThreshold; }
    public void setCircuitBreakerThreshold(int circuitBreakerThreshold) { this.circuitBreakerThreshold = circuitBreakerThreshold; }
    public long getCircuitBreakerProbeInterval() { return circuitBreakerProbeInterval; }
    public void setCircuitBreakerProbeInterval(long circuitBreakerProbeInterval) { this.circuitBreakerProbeInterval = circuitBreakerProbeInterval; }
    public long getPoolWarningInterval() { return poolWarningInterval; }
    public void setPoolWarningInterval(long poolWarningInterval) { this.poolWarningInterval = poolWarningInterval; }
}
