package dev.covet.pg.client;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A libpq connection URI, {@code postgresql://user:password@host:port/database?key=value}, parsed
 * strictly. The driver's own parser lowercases keys and silently drops the ones it does not know;
 * here an unknown key is an error that names it and the keys that are allowed.
 *
 * @param host     null when the URI names none
 * @param port     null when the URI names none
 * @param moreHosts the hosts after the first of a multi-host URI ({@code postgresql://h1:5432,h2:5433/db}),
 *                  each with its port (5432 when none is given)
 * @param params   the query keys, as given (all of them in {@link #KEYS})
 */
public record PgUrl(String host, Integer port, java.util.List<HostPort> moreHosts, String database, String user, String password, Map<String, String> params) {

    /** The query keys understood, with libpq's names. */
    public static final Set<String> KEYS = Set.of("host", "port", "dbname", "user", "password", "sslmode", "sslrootcert",
            "sslcert", "sslkey", "require_auth", "channel_binding", "application_name", "connect_timeout", "target_session_attrs");

    public static PgUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("Invalid url: it is empty");
        }
        String rest;
        if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else {
            throw new IllegalArgumentException("Invalid url '" + redact(url)
                    + "': it must start with postgresql:// (as libpq's connection URIs do)");
        }
        // the user info first, so that no message quotes a part of it: a '/' or '?' in a password
        // (which a URI must percent-encode) would otherwise end the host part early
        int authorityEnd = indexOfAny(rest, "/?");
        int lastAt = rest.lastIndexOf('@');
        // an '@' after the host part is allowed only in a query value (application_name=etl@box)
        int queryStart = rest.indexOf('?');
        boolean inQueryValue = queryStart >= 0 && queryStart < lastAt && rest.substring(queryStart, lastAt).indexOf('=') >= 0;
        if (lastAt > authorityEnd && authorityEnd >= 0 && !inQueryValue) {
            throw new IllegalArgumentException("Invalid url '" + redact(url) + "': a '/' or '?' comes before the '@' that ends the user"
                    + " name and password; percent-encode them there (%2F, %3F), as libpq's URIs require");
        }
        // an '@' in the query (application_name=etl@box) is allowed, but then a part that fails to
        // parse may be a password's, and is not quoted
        boolean quote = lastAt < 0 || authorityEnd < 0 || lastAt < authorityEnd;
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, "user name", url);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1), "password", url) : null;
        }
        String[] hostParts = rest.split(",", -1);
        String host = null;
        Integer port = null;
        if (!hostParts[0].isEmpty()) {
            String first = hostParts[0];
            boolean hasPort = first.startsWith("[") ? first.contains("]:") : first.contains(":");
            HostPort parsed = parseHost(first, url, quote);
            host = parsed.host();
            port = hasPort ? parsed.port() : null;
        }
        java.util.List<HostPort> moreHosts = new java.util.ArrayList<>();
        for (int i = 1; i < hostParts.length; i++) {
            moreHosts.add(parseHost(hostParts[i], url, quote));
        }
        if (!quote && path != null && path.indexOf('@') >= 0) {
            // an '@' in the query and another after the first '/': the first '/' may be a password's,
            // and the "database" a part of it (user:SeKr@/SeKr@h/db?application_name=a@b)
            throw new IllegalArgumentException("Invalid url '" + redact(url) + "': an '@' after the host part is allowed only in a query"
                    + " value; percent-encode '@', '/' and '?' in a password (%40, %2F, %3F) and '@' in a database name (%40)");
        }
        String database = path == null || path.isEmpty() ? null : decode(path, "database", url);

        Map<String, String> params = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq >= 0 ? pair.substring(0, eq) : pair, "parameters", url);
                String value = eq >= 0 ? decode(pair.substring(eq + 1), "parameters", url) : "";
                if (!KEYS.contains(key)) {
                    // with an '@' in the query, the key may be a part of a password whose '?' ended the host part
                    throw new IllegalArgumentException("Invalid url '" + redact(url) + "': unknown parameter"
                            + (quote ? " '" + key + "'" : " (not quoted: with an '@' in the query it may be a part of a password)")
                            + "; allowed parameters are " + String.join(", ", KEYS.stream().sorted().toList())
                            + " (server run-time settings go in the serverSettings option)");
                }
                params.put(key, value);
            }
        }
        // libpq lets query keys stand in for the parts of the URI
        if (params.containsKey("host")) {
            if (params.get("host").contains(",") || (params.containsKey("port") && params.get("port").contains(","))) {
                throw new IllegalArgumentException("Invalid url '" + redact(url) + "': give several hosts in the URI's host part,"
                        + " postgresql://h1:5432,h2:5433/db, not as host and port lists");
            }
            host = params.get("host");
        }
        if (params.containsKey("port")) {
            port = parsePort(params.get("port"), url, quote);
        }
        if (params.containsKey("dbname")) {
            database = params.get("dbname");
        }
        if (params.containsKey("user")) {
            user = params.get("user");
        }
        if (params.containsKey("password")) {
            password = params.get("password");
        }
        return new PgUrl(host, port, java.util.List.copyOf(moreHosts), database, user, password, Collections.unmodifiableMap(params));
    }

    /** One host of the URI's host list; a host without a port gets PostgreSQL's default, as in libpq. */
    private static HostPort parseHost(String text, String url, boolean quote) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("Invalid url '" + redact(url) + "': an empty host in the host list");
        }
        try {
            HostPort h = HostPort.parse(text, 5432, "host");
            return new HostPort(decode(h.host(), "host", url), h.port());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid url '" + redact(url) + "': "
                    + (quote ? e.getMessage() : "its host part is not host[:port]"));
        }
    }

    private static Integer parsePort(String text, String url, boolean quote) {
        try {
            int port = HostPort.parsePort(text);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid url '" + redact(url) + "': port " + (quote ? "'" + text + "' " : "")
                    + "is not a number between 1 and 65535");
        }
    }

    /** A part of the URI with its %XX escapes decoded; a bad escape fails without quoting the part (it may be a password). */
    private static String decode(String s, String part, String url) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid url '" + redact(url) + "': the " + part + " has a '%' that starts no %XX escape;"
                    + " write a '%' itself as %25");
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** The URL with any password replaced by {@code xxxxxx}, for messages and logs. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String s = url.replaceAll("(?i)(password=)[^&]*", "$1xxxxxx");
        int scheme = s.indexOf("://");
        // the last '@' ends the user info, wherever a '/' or '?' in an unencoded password put it
        int at = s.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            String userInfo = s.substring(scheme + 3, at);
            int colon = userInfo.indexOf(':');
            boolean plain = colon >= 0 && indexOfAny(userInfo.substring(0, colon), "/?") < 0;
            s = s.substring(0, scheme + 3) + (plain ? userInfo.substring(0, colon) + ":xxxxxx" : colon < 0 ? userInfo : "xxxxxx") + s.substring(at);
        }
        return s;
    }

    @Override
    public String toString() {
        return "PgUrl[host=" + host + ", port=" + port + ", moreHosts=" + moreHosts + ", database=" + database + ", user=" + user
                + ", password=" + (password == null ? "null" : "xxxxxx") + ", params=" + redactParams() + "]";
    }

    private Map<String, String> redactParams() {
        Map<String, String> copy = new LinkedHashMap<>(params);
        copy.computeIfPresent("password", (k, v) -> "xxxxxx");
        return copy;
    }
}
