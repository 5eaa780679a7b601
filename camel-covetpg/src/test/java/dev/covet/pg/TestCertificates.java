package dev.covet.pg;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The PEM files a TLS test needs, made fresh in a folder: a CA, a server certificate it signed
 * (naming DNS {@code localhost} only, so verify-full to {@code 127.0.0.1} must fail), a client
 * certificate for role {@code certuser}, and a second CA that signed nothing the server uses.
 */
final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path unrelatedCaCert;

    private TestCertificates(Path dir) {
        caCert = dir.resolve("ca.crt");
        serverCert = dir.resolve("server.crt");
        serverKey = dir.resolve("server.key");
        clientCert = dir.resolve("client.crt");
        clientKey = dir.resolve("client.key");
        unrelatedCaCert = dir.resolve("unrelated-ca.crt");
    }

    static TestCertificates createIn(Path dir, String clientCommonName) {
        TestCertificates files = new TestCertificates(dir);
        try {
            KeyPair caKeys = rsaKeys();
            X509CertificateHolder ca = caCertificate("CN=covetpg test CA", caKeys);
            writePem(files.caCert, "CERTIFICATE", ca.getEncoded());

            KeyPair serverKeys = rsaKeys();
            X509v3CertificateBuilder server = leaf(ca, caKeys, "CN=localhost", serverKeys)
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            writePem(files.serverCert, "CERTIFICATE", sign(server, caKeys.getPrivate()).getEncoded());
            writeKey(files.serverKey, serverKeys.getPrivate());

            KeyPair clientKeys = rsaKeys();
            X509v3CertificateBuilder client = leaf(ca, caKeys, "CN=" + clientCommonName, clientKeys)
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            writePem(files.clientCert, "CERTIFICATE", sign(client, caKeys.getPrivate()).getEncoded());
            writeKey(files.clientKey, clientKeys.getPrivate());

            X509CertificateHolder unrelated = caCertificate("CN=some other CA", rsaKeys());
            writePem(files.unrelatedCaCert, "CERTIFICATE", unrelated.getEncoded());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("Could not make the test certificates: " + e.getMessage(), e);
        }
        return files;
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509CertificateHolder caCertificate(String subject, KeyPair keys)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = builder(new X500Name(subject), new X500Name(subject), keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(builder, keys.getPrivate());
    }

    private static X509v3CertificateBuilder leaf(X509CertificateHolder ca, KeyPair caKeys, String subject, KeyPair keys)
            throws IOException, GeneralSecurityException {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        return builder(ca.getSubject(), new X500Name(subject), keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caKeys.getPublic()));
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
    }

    private static X509CertificateHolder sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException {
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey));
    }

    /** PKCS#8, unencrypted; mode 0600 because PostgreSQL refuses a server key others can read. */
    private static void writeKey(Path file, PrivateKey key) throws IOException {
        writePem(file, "PRIVATE KEY", key.getEncoded());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n",
                StandardCharsets.US_ASCII);
    }
}
