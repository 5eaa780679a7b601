package dev.covet.pg.wire;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a server may ask for before covetpg answers with anything derived from the password:
 * libpq's {@code require_auth} and {@code channel_binding=require}, checked by
 * {@link AuthenticationGuard} on each new connection.
 *
 * @param allowed                the authentication methods the server may use
 * @param channelBindingRequired whether the server must prove, by SCRAM-SHA-256-PLUS, that it is
 *                               the end of this very TLS channel
 */
public record AuthRequirements(Set<Method> allowed, boolean channelBindingRequired) {

    /** The authentication methods with libpq's names, and the request codes of the protocol that start them. */
    public enum Method {
        PASSWORD("password", "the password in clear text"),
        MD5("md5", "an MD5 hash of the password"),
        GSS("gss", "GSSAPI (Kerberos)"),
        SSPI("sspi", "SSPI"),
        SCRAM_SHA_256("scram-sha-256", "SCRAM-SHA-256"),
        NONE("none", "nothing (it let the user in without authentication)");

        private final String libpqName;
        private final String asked;

        Method(String libpqName, String asked) {
            this.libpqName = libpqName;
            this.asked = asked;
        }

        public String libpqName() {
            return libpqName;
        }

        /** What the server asked for, for messages. */
        String asked() {
            return asked;
        }

        /** The method an AuthenticationRequest code starts; null for codes that continue one, or that no client supports. */
        static Method ofRequest(int code) {
            return switch (code) {
                case 3 -> PASSWORD;
                case 5 -> MD5;
                case 7 -> GSS;
                case 9 -> SSPI;
                case 10 -> SCRAM_SHA_256;
                default -> null;
            };
        }
    }

    /** libpq's defaults: any method, channel binding when TLS is on and the server offers it. */
    public static final AuthRequirements ANY = new AuthRequirements(EnumSet.allOf(Method.class), false);

    private static final String METHODS = Arrays.stream(Method.values()).map(Method::libpqName)
            .collect(Collectors.joining(", "));

    public AuthRequirements {
        allowed = Set.copyOf(allowed);
    }

    /**
     * Parses the options as libpq does: {@code requireAuth} is a comma-separated list of methods
     * the server may use, or of methods it must not use, each with a leading {@code !}.
     *
     * @param requireAuth    null or blank for any method
     * @param channelBinding null or blank for {@code prefer}
     * @throws IllegalArgumentException naming the option and the allowed values
     */
    public static AuthRequirements parse(String requireAuth, String channelBinding) {
        boolean required = parseChannelBinding(channelBinding);
        if (requireAuth == null || requireAuth.isBlank()) {
            return required ? new AuthRequirements(ANY.allowed, true) : ANY;
        }
        Set<Method> named = EnumSet.noneOf(Method.class);
        Boolean negated = null;
        for (String part : requireAuth.split(",", -1)) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            boolean not = name.startsWith("!");
            if (not) {
                name = name.substring(1).trim();
            }
            Method method = null;
            for (Method m : Method.values()) {
                if (m.libpqName.equals(name)) {
                    method = m;
                }
            }
            if (method == null) {
                throw new IllegalArgumentException("Invalid requireAuth '" + requireAuth + "': '" + part.trim()
                        + "' is not a method; allowed are " + METHODS + ", all plain or all negated with ! (as in !password,!md5)");
            }
            if (negated != null && negated != not) {
                throw new IllegalArgumentException("Invalid requireAuth '" + requireAuth
                        + "': negated (!method) and plain methods cannot be mixed; list the methods allowed, or those refused");
            }
            negated = not;
            if (!named.add(method)) {
                throw new IllegalArgumentException("Invalid requireAuth '" + requireAuth + "': " + method.libpqName
                        + " is named twice");
            }
        }
        Set<Method> allowed = negated ? EnumSet.complementOf(EnumSet.copyOf(named)) : named;
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("Invalid requireAuth '" + requireAuth + "': it refuses every method, so no connection"
                    + " could be made");
        }
        return new AuthRequirements(allowed, required);
    }

    private static boolean parseChannelBinding(String channelBinding) {
        if (channelBinding == null || channelBinding.isBlank()) {
            return false;
        }
        return switch (channelBinding.trim().toLowerCase(Locale.ROOT)) {
            case "prefer" -> false;
            case "require" -> true;
            case "disable" -> throw new IllegalArgumentException("Invalid channelBinding 'disable': allowed values are prefer and"
                    + " require; vertx-pg-client binds SCRAM to the TLS channel whenever the server offers it and cannot be told"
                    + " not to");
            default -> throw new IllegalArgumentException("Invalid channelBinding '" + channelBinding
                    + "': allowed values are prefer (the default) and require");
        };
    }

    /** Whether there is anything to check: libpq's defaults need no guard on the connection. */
    public boolean enforced() {
        return channelBindingRequired || allowed.size() < Method.values().length;
    }

    /**
     * Whether the password, or a hash that logs in as well as the password does, can reach
     * whoever answers: false when only SCRAM (or no password at all) is allowed.
     */
    public boolean passwordCanBeSent() {
        return !channelBindingRequired && (allowed.contains(Method.PASSWORD) || allowed.contains(Method.MD5));
    }

    /** The options as a user would write them, for messages. */
    String describe() {
        StringBuilder s = new StringBuilder();
        if (allowed.size() < Method.values().length) {
            s.append("requireAuth=").append(Arrays.stream(Method.values()).filter(allowed::contains).map(Method::libpqName)
                    .collect(Collectors.joining(",")));
        }
        if (channelBindingRequired) {
            s.append(s.length() == 0 ? "" : " and ").append("channelBinding=require");
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return enforced() ? describe() : "any authentication";
    }
}
