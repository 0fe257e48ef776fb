package org.ssisbackup.testkit.msdb;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.DeflaterOutputStream;

/**
 * The stand-in's {@code BACKUP DATABASE} / {@code RESTORE VERIFYONLY}: the server side of a native msdb backup.
 * A backup file holds a header, msdb's packages, optional filler (to make a backup of a chosen size) and a
 * trailing SHA-256 that plays the part of the backup checksum. {@code TO DISK} writes a local file (the stand-in
 * and the agent share a file system, as an agent on the SQL Server host does); {@code TO URL} writes to S3 with
 * the credential registered for the URL's prefix, as SQL Server 2022 does. Deviations from SQL Server: the file
 * format is the stand-in's own; the S3 endpoint is reached over http (SQL Server requires https).
 */
public final class NativeBackups {
    static final byte[] MAGIC = "MSDB-STANDIN-BACKUP\n".getBytes(StandardCharsets.US_ASCII);

    /** An S3 credential as {@code CREATE CREDENTIAL [s3://host:port/bucket] ...} registers it. */
    public record S3Credential(String accessKey, String secretKey) {
        @Override
        public String toString() {
            return "S3Credential[***]";
        }
    }

    private final MsdbModel model;
    private final Map<String, S3Credential> credentials = new ConcurrentHashMap<>();
    private volatile int engineEdition = 3;
    private volatile String edition = "Developer Edition (64-bit)";
    private volatile Path defaultDirectory;
    private volatile long fillerBytes;
    private volatile boolean damageBackups;
    private final java.util.concurrent.atomic.AtomicInteger backupsTaken =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger backupsVerified =
            new java.util.concurrent.atomic.AtomicInteger();

    NativeBackups(MsdbModel model) {
        this.model = model;
    }

    /** The edition SERVERPROPERTY reports; Express (engine edition 4) and Web refuse COMPRESSION as SQL Server does. */
    public void edition(String edition, int engineEdition) {
        this.edition = edition;
        this.engineEdition = engineEdition;
    }

    public String edition() {
        return edition;
    }

    public int engineEdition() {
        return engineEdition;
    }

    /** SERVERPROPERTY('InstanceDefaultBackupPath'); null when unset, as on a server never configured. */
    public void defaultDirectory(Path dir) {
        this.defaultDirectory = dir;
    }

    public Path defaultDirectory() {
        return defaultDirectory;
    }

    /** Bytes added to every backup, to model an msdb of a given size (history tables make real ones large). */
    public void fillerBytes(long bytes) {
        this.fillerBytes = bytes;
    }

    /** Fault injection: every backup written from now on is damaged after its checksum was taken. */
    public void damageBackups(boolean damage) {
        this.damageBackups = damage;
    }

    public void addCredential(String urlPrefix, String accessKey, String secretKey) {
        credentials.put(urlPrefix.replaceAll("/+$", ""), new S3Credential(accessKey, secretKey));
    }

    public int backupsTaken() {
        return backupsTaken.get();
    }

    /** How many RESTORE VERIFYONLY statements read a whole, undamaged backup. */
    public int backupsVerified() {
        return backupsVerified.get();
    }

    /** BACKUP DATABASE db TO DISK|URL = target WITH options. */
    void backup(String database, String device, String target, List<String> options) {
        if (!database.equalsIgnoreCase("msdb")) {
            throw new StandInSqlException(
                    911, "Database '" + database + "' does not exist. Make sure that the name is entered correctly.");
        }
        boolean compress = options.contains("COMPRESSION");
        if (compress && (engineEdition == 4 || edition.startsWith("Web"))) {
            throw new StandInSqlException(
                    1844, "BACKUP DATABASE WITH COMPRESSION is not supported on " + edition + ".");
        }
        if (!options.contains("FORMAT")
                && !options.contains("INIT")
                && device.equals("DISK")
                && Files.exists(Path.of(target))) {
            throw new StandInSqlException(4035, "the stand-in only overwrites a backup file WITH INIT or FORMAT");
        }
        byte[] image = image(compress);
        if (damageBackups) {
            image[MAGIC.length + (image.length - MAGIC.length - 32) / 2] ^= 0x5A;
        }
        if (device.equals("DISK")) {
            Path file = Path.of(target);
            try {
                Files.write(file, image);
            } catch (NoSuchFileException e) {
                throw cannotOpen(target, "3(The system cannot find the path specified.)");
            } catch (IOException e) {
                throw cannotOpen(target, "5(Access is denied.)");
            }
        } else {
            toUrl(target, image);
        }
        backupsTaken.incrementAndGet();
    }

    /** RESTORE VERIFYONLY FROM DISK|URL = source [WITH CHECKSUM]: reads the whole backup and checks its checksum. */
    void verify(String device, String source) {
        byte[] image;
        if (device.equals("DISK")) {
            try {
                image = Files.readAllBytes(Path.of(source));
            } catch (IOException e) {
                throw cannotOpen(source, "2(The system cannot find the file specified.)");
            }
        } else {
            image = fromUrl(source);
        }
        if (image.length < MAGIC.length + 32 || !Arrays.equals(Arrays.copyOf(image, MAGIC.length), MAGIC)) {
            throw new StandInSqlException(
                    3241,
                    "The media family on device '" + source
                            + "' is incorrectly formed. SQL Server cannot process this media family.");
        }
        byte[] body = Arrays.copyOfRange(image, 0, image.length - 32);
        byte[] sum = Arrays.copyOfRange(image, image.length - 32, image.length);
        if (!Arrays.equals(sha256(body), sum)) {
            throw new StandInSqlException(3189, "Damage to the backup set was detected.");
        }
        backupsVerified.incrementAndGet();
    }

    private byte[] image(boolean compress) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            out.write(MAGIC);
            DataOutputStream header = new DataOutputStream(out);
            header.writeUTF("database=msdb;version=" + MsdbStandIn.serverProperty("ProductVersion", model)
                    + ";compressed=" + compress);
            OutputStream body = compress ? new DeflaterOutputStream(out) : out;
            DataOutputStream data = new DataOutputStream(body);
            for (Map<String, Object> p : model.select(model.packagesTable(), r -> true)) {
                byte[] bytes = (byte[]) p.get("packagedata");
                data.writeUTF(p.get("folderid") + "\\" + p.get("name"));
                data.writeInt(bytes.length);
                data.write(bytes);
            }
            // Random filler: history rows do not compress to nothing, and the backup keeps the size asked for.
            java.util.Random random = new java.util.Random(fillerBytes);
            byte[] chunk = new byte[64 * 1024];
            for (long i = 0; i < fillerBytes; i += chunk.length) {
                random.nextBytes(chunk);
                data.write(chunk, 0, (int) Math.min(chunk.length, fillerBytes - i));
            }
            data.flush();
            if (body instanceof DeflaterOutputStream d) {
                d.finish();
            }
            out.write(sha256(out.toByteArray()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    // ---- TO URL: s3://host:port/bucket/key with a credential named by a prefix of the URL ----

    private record S3Target(MinioClient client, String bucket, String key) {}

    private S3Target s3(String url) {
        if (!MsdbStandIn.serverProperty("ProductMajorVersion", model).equals("16")) {
            throw new StandInSqlException(102, "Incorrect syntax near 'URL'.");
        }
        if (!url.startsWith("s3://")) {
            throw new StandInSqlException(
                    3201,
                    "Cannot open backup device '" + url
                            + "'. Operating system error 50(The request is not supported.).");
        }
        String prefix = credentials.keySet().stream()
                .filter(p -> url.startsWith(p + "/"))
                .max(java.util.Comparator.comparingInt(String::length))
                .orElseThrow(() -> new StandInSqlException(
                        3201,
                        "Cannot open backup device '" + url
                                + "'. Operating system error 5(Access is denied.). No credential matches the URL."));
        S3Credential credential = credentials.get(prefix);
        URI uri = URI.create(url.replaceFirst("^s3://", "http://"));
        String[] path = uri.getPath().substring(1).split("/", 2);
        MinioClient client = MinioClient.builder()
                .endpoint("http://" + uri.getHost() + ":" + uri.getPort())
                .credentials(credential.accessKey(), credential.secretKey())
                .build();
        return new S3Target(client, path[0], path[1]);
    }

    private void toUrl(String url, byte[] image) {
        S3Target t = s3(url);
        try {
            Path temp = Files.createTempFile("standin-backup", ".bak");
            try {
                Files.write(temp, image);
                t.client()
                        .uploadObject(UploadObjectArgs.builder()
                                .bucket(t.bucket())
                                .object(t.key())
                                .filename(temp.toString())
                                .build());
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (Exception e) {
            throw cannotOpen(url, "50(" + e.getMessage() + ")");
        }
    }

    private byte[] fromUrl(String url) {
        S3Target t = s3(url);
        try (InputStream in = t.client()
                .getObject(GetObjectArgs.builder()
                        .bucket(t.bucket())
                        .object(t.key())
                        .build())) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw cannotOpen(url, "2(The system cannot find the file specified.)");
        }
    }

    private static StandInSqlException cannotOpen(String device, String osError) {
        return new StandInSqlException(
                3201, "Cannot open backup device '" + device + "'. Operating system error " + osError + ".");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
