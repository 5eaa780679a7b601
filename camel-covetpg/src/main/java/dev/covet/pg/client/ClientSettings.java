package dev.covet.pg.client;

import dev.covet.pg.wire.AuthRequirements;
import java.util.Map;

/**
 * Everything the pooled client needs, resolved and checked: the URL already merged with the
 * separate options, every duration in milliseconds (0 means "no limit"). Option names in error
 * messages are the component's, because that is where a user sets them.
 */
public record ClientSettings(
        String host,
        int port,
        String database,
        String user,
        String password,
        SslMode sslMode,
        String sslRootCert,
        String sslCert,
        String sslKey,
        AuthRequirements auth,
        String applicationName,
        Map<String, String> serverSettings,
        long connectTimeout,
        int minPoolSize,
        int maxPoolSize,
        int maxWaitQueueSize,
        long acquireTimeout,
        long idleTimeout,
        long maxLifetime,
        long queryTimeout,
        long commandTimeout,
        int statementCacheSize,
        int maxCacheableStatementSize,
        int pipeliningLimit,
        boolean pipelining,
        MonitorSettings monitor,
        ResilienceSettings resilience) {

    public ClientSettings {
        serverSettings = Map.copyOf(serverSettings);
        monitor = monitor == null ? MonitorSettings.OFF : monitor;
        resilience = resilience == null ? ResilienceSettings.NONE : resilience;
        auth = auth == null ? AuthRequirements.ANY : auth;
        require(host != null && !host.isBlank(), "host", host, "a host name or address");
        require(port >= 1 && port <= 65535, "port", port, "between 1 and 65535");
        require(database != null && !database.isBlank(), "database", database, "a database name");
        require(user != null && !user.isBlank(), "user", user, "a role name");
        require(sslMode != null, "sslMode", null, "one of disable, allow, prefer, require, verify-ca, verify-full");
        require(minPoolSize >= 0, "minPoolSize", minPoolSize, "0 or more");
        require(maxPoolSize >= 1, "maxPoolSize", maxPoolSize, "1 or more");
        require(minPoolSize <= maxPoolSize, "minPoolSize", minPoolSize, "at most maxPoolSize (" + maxPoolSize + ")");
        require(maxWaitQueueSize >= -1, "maxWaitQueueSize", maxWaitQueueSize, "-1 (unbounded) or 0 or more");
        requireDuration(connectTimeout, "connectTimeout");
        requireDuration(acquireTimeout, "acquireTimeout");
        requireDuration(idleTimeout, "idleTimeout");
        requireDuration(maxLifetime, "maxLifetime");
        requireDuration(queryTimeout, "queryTimeout");
        requireDuration(commandTimeout, "commandTimeout");
        require(statementCacheSize >= 0, "statementCacheSize", statementCacheSize, "0 (cache off) or more");
        require(maxCacheableStatementSize >= 1, "maxCacheableStatementSize", maxCacheableStatementSize, "1 or more");
        require(pipeliningLimit >= 1, "pipeliningLimit", pipeliningLimit, "1 or more");
        if (sslMode.verifiesCertificate()) {
            require(sslRootCert != null && !sslRootCert.isBlank(), "sslRootCert", sslRootCert,
                    "the CA certificate (PEM file) to verify the server against, which sslMode=" + sslMode + " needs");
        }
        require((sslCert == null) == (sslKey == null), "sslCert/sslKey", null,
                "both given (client certificate and its private key, PEM files) or neither");
        for (String key : serverSettings.keySet()) {
            // covetpg reads dates and times in ISO and text in UTF-8: another setting would misread values
            String k = key.toLowerCase(java.util.Locale.ROOT);
            require(!k.equals("datestyle") && !k.equals("client_encoding") && !k.equals("extra_float_digits"), "serverSettings." + key,
                    serverSettings.get(key), "left out: covetpg sets DateStyle=ISO, client_encoding=UTF8 and extra_float_digits itself,"
                            + " and reads values in them (with fewer float digits an array's floats would read rounded)");
        }
        if (queryTimeout > 0) {
            require(!serverSettings.containsKey("statement_timeout"), "serverSettings.statement_timeout", null,
                    "left out when queryTimeout is set (queryTimeout sets it)");
        }
    }

    private static void require(boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid " + option + (value == null ? "" : " '" + value + "'")
                    + ": must be " + expected);
        }
    }

    private static void requireDuration(long millis, String option) {
        require(millis >= 0, option, millis, "0 (no limit) or a positive duration such as 30s or 500ms");
    }

    /** host:port/database, for messages; never the credentials. */
    public String target() {
        return new HostPort(host, port) + "/" + database;
    }

    /** Every server: the first host, then the others in the order given. */
    public java.util.List<HostPort> hosts() {
        java.util.List<HostPort> all = new java.util.ArrayList<>();
        all.add(new HostPort(host, port));
        resilience.otherHosts().stream().filter(h -> !all.contains(h)).forEach(all::add);
        return all;
    }

    /** The same settings for another server of the cluster, for messages and connections to it. */
    public ClientSettings forHost(HostPort other) {
        return new ClientSettings(other.host(), other.port(), database, user, password, sslMode, sslRootCert, sslCert, sslKey,
                auth, applicationName, serverSettings, connectTimeout, minPoolSize, maxPoolSize, maxWaitQueueSize, acquireTimeout,
                idleTimeout, maxLifetime, queryTimeout, commandTimeout, statementCacheSize, maxCacheableStatementSize,
                pipeliningLimit, pipelining, monitor, resilience);
    }

    @Override
    public String toString() {
        return "ClientSettings[" + user + "@" + target() + ", sslMode=" + sslMode
                + (auth.enforced() ? ", " + auth : "") + ", pool=" + minPoolSize + ".."
                + maxPoolSize + "]";
    }
}
