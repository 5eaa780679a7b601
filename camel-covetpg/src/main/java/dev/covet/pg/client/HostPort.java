package dev.covet.pg.client;

import java.util.ArrayList;
import java.util.List;

/** One server's address. IPv6 addresses are written in brackets, {@code [::1]:5432}, as in libpq URIs. */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("Invalid host: it is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Invalid port '" + port + "' of host " + host + ": must be between 1 and 65535");
        }
    }

    /**
     * Parses {@code host}, {@code host:port} or {@code [v6]:port}; {@code defaultPort} when no port
     * is given. {@code option} names the option in the error message.
     */
    public static HostPort parse(String text, int defaultPort, String option) {
        String t = text.trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || (close + 1 < t.length() && t.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("Invalid " + option + " '" + text + "': an IPv6 host is written [address]:port");
            }
            host = t.substring(1, close);
            port = close + 1 < t.length() ? t.substring(close + 2) : null;
        } else {
            int colon = t.lastIndexOf(':');
            host = colon >= 0 ? t.substring(0, colon) : t;
            port = colon >= 0 ? t.substring(colon + 1) : null;
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("Invalid " + option + " '" + text + "': the host is empty");
        }
        try {
            return new HostPort(host, port == null ? defaultPort : parsePort(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid " + option + " '" + text + "': port '" + port
                    + "' is not a number between 1 and 65535");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + option + " '" + text + "': " + e.getMessage());
        }
    }

    /** A comma-separated list of {@link #parse hosts}; empty for null or blank text. */
    public static List<HostPort> parseList(String text, int defaultPort, String option) {
        List<HostPort> hosts = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    hosts.add(parse(part, defaultPort, option));
                }
            }
        }
        return hosts;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * A port of ASCII digits only, as libpq reads it: Integer.parseInt alone would also take the
     * digits of other scripts ("١٢٣" for 123). The range is the constructor's check.
     */
    public static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(text);
        }
        return Integer.parseInt(text);
    }
}
