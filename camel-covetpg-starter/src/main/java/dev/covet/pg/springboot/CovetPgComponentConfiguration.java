package dev.covet.pg.springboot;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The covetpg component's options as Spring Boot properties, {@code camel.component.covetpg.*}:
 * the same names, types, defaults and descriptions as the component's own metadata
 * ({@code covetpg.json}; {@code StarterMatchesComponentMetadataTest} keeps them in step).
 * Durations take Spring Boot's forms ({@code 5s}, {@code 100ms}, {@code 10m}, {@code PT1M30S});
 * a plain number is milliseconds, as in Camel.
 *
 * <p>{@link StrictBinding} binds it, once per component instance (the annotation is for
 * Spring's configuration metadata): an unknown key under the prefix fails the start, since a
 * misspelt database setting must not be silently dropped.
 */
@ConfigurationProperties(prefix = "camel.component.covetpg")
public class CovetPgComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    // Only the options a property set reach the component, under their Camel names: defaults
    // applied again would override a component bean's own settings and the parts of its url.
    private final Map<String, Object> options = new LinkedHashMap<>();

    /**
     * Whether to enable auto configuration of the covetpg component. This is enabled by default.
     */
    private Boolean enabled;

    /**
     * application_name reported to the server, as seen in pg_stat_activity.
     */
    private String applicationName = "camel-covetpg";

    /**
     * Limit on a whole operation, waiting for a connection included. When it runs out the
     * statement is cancelled on the server and the exchange fails with a
     * CovetPgTimeoutException. 0 means no limit.
     */
    private Duration commandTimeout = Duration.ZERO;

    /**
     * The connection and pool options, shared by every endpoint of this component. The
     * value names a bean in the application context.
     */
    private String configuration;

    /**
     * Limit on opening a TCP connection to the server (the URI's connect_timeout, in
     * seconds, is also understood). 0 waits as long as the OS does.
     */
    private Duration connectTimeout = Duration.ofSeconds(10);

    /**
     * Database to connect to. Defaults to the user name, as in libpq.
     */
    private String database;

    /**
     * Host name or address of the PostgreSQL server.
     */
    private String host = "localhost";

    /**
     * TCP port of the PostgreSQL server.
     */
    private Integer port = 5432;

    /**
     * Limit on each statement, enforced by the server (statement_timeout) so a query that
     * runs too long really stops; it then fails with SQLSTATE 57014 as a
     * CovetPgTimeoutException. 0 means no limit.
     */
    private Duration queryTimeout = Duration.ZERO;

    /**
     * Connection URI in libpq's form: postgresql:// then optionally user:password and an at
     * sign, then host:port/database, then optionally the query keys sslmode, sslrootcert,
     * sslcert, sslkey, require_auth, channel_binding, application_name, connect_timeout
     * (seconds), host, port, dbname, user, password, target_session_attrs. Several hosts
     * are written postgresql://h1:5432,h2:5433/db: each is a candidate, the primary is
     * found by asking. Unknown keys are rejected. A separate option (host, port, database,
     * user, password, sslMode, ...) that is set overrides the URI's value.
     */
    private String url;

    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any
     * exceptions (if possible) occurred while the Camel consumer is trying to pickup
     * incoming messages, or the likes, will now be processed as a message and handled by
     * the routing Error Handler. Important: This is only possible if the 3rd party
     * component allows Camel to be alerted if an exception was thrown. Some components
     * handle this internally only, and therefore bridgeErrorHandler is not possible. In
     * other situations we may improve the Camel component to hook into the 3rd party
     * component and make this possible for future releases. By default the consumer will
     * use the org.apache.camel.spi.ExceptionHandler to deal with exceptions, that will be
     * logged at WARN or ERROR level and ignored.
     */
    private boolean bridgeErrorHandler = false;

    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy
     * you can use this to allow CamelContext and routes to startup in situations where a
     * producer may otherwise fail during starting and cause the route to fail being
     * started. By deferring this startup to be lazy then the startup failure can be handled
     * during routing messages via Camel's routing error handlers. Beware that when the
     * first message is processed then creating and starting the producer may take a little
     * time and prolong the total processing time of the processing.
     */
    private boolean lazyStartProducer = false;

    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the
     * option must be marked as autowired) by looking up in the registry to find if there is
     * a single instance of matching type, which then gets configured on the component. This
     * can be used for automatic configuring JDBC data sources, JMS connection factories,
     * AWS Clients, etc.
     */
    private boolean autowiredEnabled = true;

    /**
     * Threads the route continues on after a covetpg step (the I/O completes on a Vert.x
     * event loop, where no route step runs). 0: one per processor, at least 2. More threads
     * than processors cost CPU on every exchange (each hand-off wakes a sleeping thread);
     * raise it when the steps after covetpg block (HTTP calls, files), or put those behind
     * threads().
     */
    private int completionThreads = 0;

    /**
     * Statements longer than this many characters are not cached.
     */
    private int maxCacheableStatementSize = 2048;

    /**
     * Let covetpg:query statements outside a transaction share pooled connections,
     * pipelined (up to pipeliningLimit in flight on one connection, on at most half of
     * maxPoolSize connections): many more statements per second under concurrency, but a
     * slow statement delays the ones queued behind it on its connection. Statements with a
     * commandTimeout or an endpoint queryTimeout keep a connection of their own (a cancel
     * must not hit a neighbour).
     */
    private boolean pipelining = false;

    /**
     * Most commands in flight on one connection at once (pipelining).
     */
    private int pipeliningLimit = 256;

    /**
     * Run-time parameters set on every connection at start-up, e.g.
     * serverSettings.timezone=UTC or serverSettings.search_path=etl,public. This is a
     * multi-value option with prefix: serverSettings.
     */
    private Map<String, String> serverSettings = new LinkedHashMap<>();

    /**
     * Statements that run longer than this are logged once at WARN (logger
     * dev.covet.pg.SlowQuery) with the duration, the operation and the statement's text
     * with string literals blanked; parameter values and credentials are never logged. The
     * time counts from when the statement is sent, waiting for a connection excluded. 0
     * turns the log off.
     */
    private Duration slowQueryThreshold = Duration.ZERO;

    /**
     * Prepared statements kept per connection; a statement run again skips the parse round
     * trip. 0 turns the cache off.
     */
    private int statementCacheSize = 256;

    /**
     * Idle time on a connection after which TCP keepalive probes start (then one every 10s,
     * or this if shorter, and the connection is dropped after 3 unanswered): how soon a
     * server that vanished without closing the socket is noticed. 0 keeps the operating
     * system's timing (on Linux, 2 hours). At least 1s; whole seconds.
     */
    private Duration tcpKeepAliveIdle = Duration.ZERO;

    /**
     * The Vert.x instance to run the client on. Taken from the registry when there is
     * exactly one; otherwise the component creates its own and closes it on stop. The value
     * names a bean in the application context.
     */
    private String vertx;

    /**
     * How often a server behind an open circuit breaker is probed (a new connection and
     * SELECT 1). At least 100ms.
     */
    private Duration circuitBreakerProbeInterval = Duration.ofSeconds(1);

    /**
     * Failed attempts in a row to connect to a server after which its circuit breaker
     * opens: only a probe then connects, and operations wait for it to reach the server
     * within their acquireTimeout, then fail with a CovetPgCircuitOpenException (with
     * several servers, writes wait for another primary instead); the health check shows
     * each server's breaker. 0 turns the breaker off.
     */
    private int circuitBreakerThreshold = 5;

    /**
     * Retries of an operation outside a transaction after a failure that cannot have taken
     * effect: no connection (08xxx, refused), serialization failure 40001, deadlock 40P01,
     * server shutdown 57P01/57P02/57P03. A statement whose connection died after it was
     * sent is not retried unless it ran on a replica or in a transaction that never
     * committed: it fails with a CovetPgUnknownOutcomeException. A pooled connection found
     * closed before sending is replaced at once, and a write a replica refused is rerun on
     * the primary, neither counting against maxRetries. 0 turns retries off.
     */
    private int maxRetries = 3;

    /**
     * Where reads go: primary; replica (a healthy replica, else the read fails at once);
     * replicaPreferred (a healthy replica, else the primary). Reads are query statements,
     * StreamList, the consumer's cursor and copy out; an endpoint may override it. Writes
     * and everything in a route transaction always go to the primary. The url's
     * target_session_attrs sets it too.
     */
    private String readFrom = "primary";

    /**
     * With several servers: how often each one's role (primary or replica) and health is
     * checked, on a connection of its own. A failed connection to the primary also triggers
     * a check at once. At least 100ms.
     */
    private Duration replicaCheckInterval = Duration.ofSeconds(5);

    /**
     * Replicas (streaming standbys) besides the primary, as host:port pairs separated by
     * commas; reads go there as readFrom says. A url with several hosts
     * (postgresql://h1:5432,h2:5433/db) adds its hosts too. Which server is the primary is
     * found by asking each (pg_is_in_recovery()), so after a failover the promoted one
     * takes the writes.
     */
    private String replicas;

    /**
     * Wait before the first retry; doubled for each next one (with up to a quarter of
     * random jitter), up to retryMaxBackoff.
     */
    private Duration retryBackoff = Duration.ofMillis(100);

    /**
     * Longest wait between two attempts.
     */
    private Duration retryMaxBackoff = Duration.ofSeconds(2);

    /**
     * How long an operation waits for a free connection before failing with a
     * CovetPgPoolExhaustedException. 0 waits forever.
     */
    private Duration acquireTimeout = Duration.ofSeconds(30);

    /**
     * A connection idle for this long is closed. 0 keeps idle connections open.
     */
    private Duration idleTimeout = Duration.ofMinutes(10);

    /**
     * A connection is closed once this old (when next idle), so that none outlives a
     * server-side or network limit. 0 means no limit.
     */
    private Duration maxLifetime = Duration.ofMinutes(30);

    /**
     * Most connections the pool opens.
     */
    private int maxPoolSize = 10;

    /**
     * Most operations that may wait for a connection when all are busy; one more fails at
     * once. -1 means no bound (acquireTimeout still applies).
     */
    private int maxWaitQueueSize = -1;

    /**
     * Connections opened and checked with a round trip when the component starts; start-up
     * fails with a clear error if they cannot be opened. 0 opens none until the first
     * operation.
     */
    private int minPoolSize = 1;

    /**
     * Share of maxPoolSize in use (above 0, at most 1) at or above which the pool counts as
     * busy for the warning of poolWarningDelay.
     */
    private double poolUtilizationWarningRatio = 0.8;

    /**
     * How long operations must have been waiting for a connection, or the pool stayed at or
     * above poolUtilizationWarningRatio, before a warning is logged (logger
     * dev.covet.pg.PoolWarnings). The pool is sampled by a timer, not per exchange. 0 turns
     * these warnings off.
     */
    private Duration poolWarningDelay = Duration.ofSeconds(10);

    /**
     * At most one pool warning of each kind (exhausted, busy) is logged per this interval
     * while the condition lasts. At least 1s.
     */
    private Duration poolWarningInterval = Duration.ofSeconds(60);

    /**
     * SCRAM channel binding, with libpq's channel_binding meaning: prefer binds
     * SCRAM-SHA-256 to the TLS channel when the server offers it; require disconnects,
     * before anything derived from the password is sent, from a server that does not
     * authenticate by SCRAM-SHA-256-PLUS over TLS, so that whoever answers must know the
     * password: with a password, this protects without verifying the server's certificate.
     */
    private String channelBinding = "prefer";

    /**
     * Password of the role. Never logged, never shown in URIs or exception messages.
     */
    private String password;

    /**
     * Authentication methods the server may ask for, with libpq's require_auth meaning: a
     * comma-separated list of password, md5, gss, sspi, scram-sha-256 and none (no
     * authentication), or of methods it must not use, each written with a leading ! (as in
     * !password,!md5). A server that asks for another method is disconnected before
     * anything derived from the password is sent. Not set: any method.
     */
    private String requireAuth;

    /**
     * PEM file with the client certificate, for servers that authenticate clients by
     * certificate. Needs sslKey.
     */
    private String sslCert;

    /**
     * PEM file with the private key of sslCert (PKCS#8 or PKCS#1).
     */
    private String sslKey;

    /**
     * TLS mode with libpq's meaning: disable (plain), allow (plain, TLS if the server
     * insists), prefer (TLS if offered, else plain; no verification), require (TLS, no
     * verification unless sslRootCert is given), verify-ca (TLS, certificate must chain to
     * sslRootCert), verify-full (as verify-ca and the certificate must name the host).
     * Modes that verify never fall back to plain text.
     */
    private String sslMode = "prefer";

    /**
     * PEM file with the CA certificate(s) the server's certificate must chain to. Needed by
     * verify-ca and verify-full.
     */
    private String sslRootCert;

    /**
     * Role to connect as.
     */
    private String user = "postgres";

    /** The options that properties set, by their Camel names, in the order they were bound. */
    Map<String, Object> options() {
        return Collections.unmodifiableMap(options);
    }

    private void set(String option, Object value) {
        options.put(option, value);
    }

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public String getApplicationName() {
        return applicationName;
    }

    public void setApplicationName(String applicationName) {
        this.applicationName = applicationName;
        set("applicationName", applicationName);
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
        set("commandTimeout", commandTimeout);
    }

    public String getConfiguration() {
        return configuration;
    }

    public void setConfiguration(String configuration) {
        this.configuration = configuration;
        set("configuration", configuration);
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        set("connectTimeout", connectTimeout);
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
        set("database", database);
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
        set("host", host);
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
        set("port", port);
    }

    public Duration getQueryTimeout() {
        return queryTimeout;
    }

    public void setQueryTimeout(Duration queryTimeout) {
        this.queryTimeout = queryTimeout;
        set("queryTimeout", queryTimeout);
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
        set("url", url);
    }

    public boolean isBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
        set("bridgeErrorHandler", bridgeErrorHandler);
    }

    public boolean isLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
        set("lazyStartProducer", lazyStartProducer);
    }

    public boolean isAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
        set("autowiredEnabled", autowiredEnabled);
    }

    public int getCompletionThreads() {
        return completionThreads;
    }

    public void setCompletionThreads(int completionThreads) {
        this.completionThreads = completionThreads;
        set("completionThreads", completionThreads);
    }

    public int getMaxCacheableStatementSize() {
        return maxCacheableStatementSize;
    }

    public void setMaxCacheableStatementSize(int maxCacheableStatementSize) {
        this.maxCacheableStatementSize = maxCacheableStatementSize;
        set("maxCacheableStatementSize", maxCacheableStatementSize);
    }

    public boolean isPipelining() {
        return pipelining;
    }

    public void setPipelining(boolean pipelining) {
        this.pipelining = pipelining;
        set("pipelining", pipelining);
    }

    public int getPipeliningLimit() {
        return pipeliningLimit;
    }

    public void setPipeliningLimit(int pipeliningLimit) {
        this.pipeliningLimit = pipeliningLimit;
        set("pipeliningLimit", pipeliningLimit);
    }

    public Map<String, String> getServerSettings() {
        return serverSettings;
    }

    public void setServerSettings(Map<String, String> serverSettings) {
        this.serverSettings = serverSettings;
        set("serverSettings", serverSettings);
    }

    public Duration getSlowQueryThreshold() {
        return slowQueryThreshold;
    }

    public void setSlowQueryThreshold(Duration slowQueryThreshold) {
        this.slowQueryThreshold = slowQueryThreshold;
        set("slowQueryThreshold", slowQueryThreshold);
    }

    public int getStatementCacheSize() {
        return statementCacheSize;
    }

    public void setStatementCacheSize(int statementCacheSize) {
        this.statementCacheSize = statementCacheSize;
        set("statementCacheSize", statementCacheSize);
    }

    public Duration getTcpKeepAliveIdle() {
        return tcpKeepAliveIdle;
    }

    public void setTcpKeepAliveIdle(Duration tcpKeepAliveIdle) {
        this.tcpKeepAliveIdle = tcpKeepAliveIdle;
        set("tcpKeepAliveIdle", tcpKeepAliveIdle);
    }

    public String getVertx() {
        return vertx;
    }

    public void setVertx(String vertx) {
        this.vertx = vertx;
        set("vertx", vertx);
    }

    public Duration getCircuitBreakerProbeInterval() {
        return circuitBreakerProbeInterval;
    }

    public void setCircuitBreakerProbeInterval(Duration circuitBreakerProbeInterval) {
        this.circuitBreakerProbeInterval = circuitBreakerProbeInterval;
        set("circuitBreakerProbeInterval", circuitBreakerProbeInterval);
    }

    public int getCircuitBreakerThreshold() {
        return circuitBreakerThreshold;
    }

    public void setCircuitBreakerThreshold(int circuitBreakerThreshold) {
        this.circuitBreakerThreshold = circuitBreakerThreshold;
        set("circuitBreakerThreshold", circuitBreakerThreshold);
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
        set("maxRetries", maxRetries);
    }

    public String getReadFrom() {
        return readFrom;
    }

    public void setReadFrom(String readFrom) {
        this.readFrom = readFrom;
        set("readFrom", readFrom);
    }

    public Duration getReplicaCheckInterval() {
        return replicaCheckInterval;
    }

    public void setReplicaCheckInterval(Duration replicaCheckInterval) {
        this.replicaCheckInterval = replicaCheckInterval;
        set("replicaCheckInterval", replicaCheckInterval);
    }

    public String getReplicas() {
        return replicas;
    }

    public void setReplicas(String replicas) {
        this.replicas = replicas;
        set("replicas", replicas);
    }

    public Duration getRetryBackoff() {
        return retryBackoff;
    }

    public void setRetryBackoff(Duration retryBackoff) {
        this.retryBackoff = retryBackoff;
        set("retryBackoff", retryBackoff);
    }

    public Duration getRetryMaxBackoff() {
        return retryMaxBackoff;
    }

    public void setRetryMaxBackoff(Duration retryMaxBackoff) {
        this.retryMaxBackoff = retryMaxBackoff;
        set("retryMaxBackoff", retryMaxBackoff);
    }

    public Duration getAcquireTimeout() {
        return acquireTimeout;
    }

    public void setAcquireTimeout(Duration acquireTimeout) {
        this.acquireTimeout = acquireTimeout;
        set("acquireTimeout", acquireTimeout);
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
        set("idleTimeout", idleTimeout);
    }

    public Duration getMaxLifetime() {
        return maxLifetime;
    }

    public void setMaxLifetime(Duration maxLifetime) {
        this.maxLifetime = maxLifetime;
        set("maxLifetime", maxLifetime);
    }

    public int getMaxPoolSize() {
        return maxPoolSize;
    }

    public void setMaxPoolSize(int maxPoolSize) {
        this.maxPoolSize = maxPoolSize;
        set("maxPoolSize", maxPoolSize);
    }

    public int getMaxWaitQueueSize() {
        return maxWaitQueueSize;
    }

    public void setMaxWaitQueueSize(int maxWaitQueueSize) {
        this.maxWaitQueueSize = maxWaitQueueSize;
        set("maxWaitQueueSize", maxWaitQueueSize);
    }

    public int getMinPoolSize() {
        return minPoolSize;
    }

    public void setMinPoolSize(int minPoolSize) {
        this.minPoolSize = minPoolSize;
        set("minPoolSize", minPoolSize);
    }

    public double getPoolUtilizationWarningRatio() {
        return poolUtilizationWarningRatio;
    }

    public void setPoolUtilizationWarningRatio(double poolUtilizationWarningRatio) {
        this.poolUtilizationWarningRatio = poolUtilizationWarningRatio;
        set("poolUtilizationWarningRatio", poolUtilizationWarningRatio);
    }

    public Duration getPoolWarningDelay() {
        return poolWarningDelay;
    }

    public void setPoolWarningDelay(Duration poolWarningDelay) {
        this.poolWarningDelay = poolWarningDelay;
        set("poolWarningDelay", poolWarningDelay);
    }

    public Duration getPoolWarningInterval() {
        return poolWarningInterval;
    }

    public void setPoolWarningInterval(Duration poolWarningInterval) {
        this.poolWarningInterval = poolWarningInterval;
        set("poolWarningInterval", poolWarningInterval);
    }

    public String getChannelBinding() {
        return channelBinding;
    }

    public void setChannelBinding(String channelBinding) {
        this.channelBinding = channelBinding;
        set("channelBinding", channelBinding);
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
        set("password", password);
    }

    public String getRequireAuth() {
        return requireAuth;
    }

    public void setRequireAuth(String requireAuth) {
        this.requireAuth = requireAuth;
        set("requireAuth", requireAuth);
    }

    public String getSslCert() {
        return sslCert;
    }

    public void setSslCert(String sslCert) {
        this.sslCert = sslCert;
        set("sslCert", sslCert);
    }

    public String getSslKey() {
        return sslKey;
    }

    public void setSslKey(String sslKey) {
        this.sslKey = sslKey;
        set("sslKey", sslKey);
    }

    public String getSslMode() {
        return sslMode;
    }

    public void setSslMode(String sslMode) {
        this.sslMode = sslMode;
        set("sslMode", sslMode);
    }

    public String getSslRootCert() {
        return sslRootCert;
    }

    public void setSslRootCert(String sslRootCert) {
        this.sslRootCert = sslRootCert;
        set("sslRootCert", sslRootCert);
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
        set("user", user);
    }
}
