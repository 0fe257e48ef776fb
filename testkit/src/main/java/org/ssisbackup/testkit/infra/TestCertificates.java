package org.ssisbackup.testkit.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private certificate authority for tests, made with the JDK's {@code keytool} as an operator would make one: a CA,
 * a PKCS#12 trust store holding it, and per name a PKCS#12 key store with a key and a certificate for {@code CN=name}
 * (valid for localhost and 127.0.0.1, for servers and clients alike). Public in test sources, never for real use.
 */
public final class TestCertificates {
    /** The password of every store made here. */
    public static final String PASSWORD = "test-store-password";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA, the trust store and one key store per name in {@code dir}. */
    public static TestCertificates create(Path dir, List<String> names) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                "ca",
                "-dname",
                "CN=ssis-backup test CA",
                "-ext",
                "bc:c",
                "-validity",
                "30",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-keystore",
                "ca.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        keytool(
                dir,
                "-exportcert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                PASSWORD,
                "-rfc",
                "-file",
                "ca.pem");
        keytool(
                dir,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                "truststore.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> made = new ArrayList<>();
            for (String name : names) {
                made.add(pool.submit(() -> {
                    issue(dir, name);
                    return null;
                }));
            }
            for (Future<?> f : made) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("making a test certificate failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdown();
        }
        return new TestCertificates(dir);
    }

    private static void issue(Path dir, String name) throws IOException, InterruptedException {
        String store = name + ".p12";
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                name,
                "-dname",
                "CN=" + name,
                "-validity",
                "30",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-keystore",
                store,
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        keytool(dir, "-certreq", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-file", name + ".csr");
        keytool(
                dir,
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                PASSWORD,
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".pem",
                "-rfc",
                "-validity",
                "30",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-ext",
                "EKU=serverAuth,clientAuth");
        keytool(
                dir,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                store,
                "-storepass",
                PASSWORD);
        keytool(dir, "-importcert", "-alias", name, "-file", name + ".pem", "-keystore", store, "-storepass", PASSWORD);
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** The key store (PKCS#12) of {@code CN=name}. */
    public Path keyStore(String name) {
        return dir.resolve(name + ".p12");
    }

    /** The trust store (PKCS#12) holding the CA. */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /** A TLS context that trusts the CA and presents {@code name}'s certificate (null: none). */
    public SSLContext context(String name) {
        try {
            KeyStore trust = load(trustStore());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (name != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(keyStore(name)), PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(Path file) throws IOException, java.security.GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }
}
