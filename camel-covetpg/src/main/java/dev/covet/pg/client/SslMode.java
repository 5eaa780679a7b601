package dev.covet.pg.client;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The six TLS modes, with libpq's names and meanings. */
public enum SslMode {
    /** Plain text only. */
    DISABLE("disable"),
    /** Plain text first; TLS when the plain attempt fails, verified only against sslRootCert when one is given. */
    ALLOW("allow"),
    /** TLS (verified only against sslRootCert when one is given) if it succeeds, else plain text. See docs/security.md. */
    PREFER("prefer"),
    /** TLS, without verifying the server's certificate (unless sslRootCert is given, as libpq does). */
    REQUIRE("require"),
    /** TLS, and the server's certificate must chain to sslRootCert. */
    VERIFY_CA("verify-ca"),
    /** TLS, the certificate must chain to sslRootCert and name the host connected to. */
    VERIFY_FULL("verify-full");

    private final String libpqName;

    SslMode(String libpqName) {
        this.libpqName = libpqName;
    }

    public String libpqName() {
        return libpqName;
    }

    /** Parses a libpq name ({@code verify-full}) or an enum name ({@code VERIFY_FULL}). */
    public static SslMode parse(String value, String optionName) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (SslMode mode : values()) {
            if (mode.libpqName.equals(v)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Invalid " + optionName + " '" + value + "': allowed values are "
                + Arrays.stream(values()).map(SslMode::libpqName).collect(Collectors.joining(", ")));
    }

    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    @Override
    public String toString() {
        return libpqName;
    }
}
