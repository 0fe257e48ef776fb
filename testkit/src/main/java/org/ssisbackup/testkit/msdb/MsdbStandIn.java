package org.ssisbackup.testkit.msdb;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>A STAND-IN for SQL Server's msdb, for tests and the local stack only.</b> A TDS 7.4 server that speaks
 * enough of the protocol for the real mssql-jdbc driver (no TLS: clients must connect with
 * {@code encrypt=false}) and models the package-deployment tables and {@code sp_ssis_*} procedures of msdb.
 * Production always points the msdb agent at a real SQL Server.
 */
public final class MsdbStandIn implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MsdbStandIn.class);

    static final String SERVER_NAME = "MSDB-STANDIN";
    static final String VERSION_BANNER =
            "Microsoft SQL Server 2022 (RTM) - 16.0.4236.2 (X64) -- msdb STAND-IN for tests, not SQL Server";

    /** A login: name, password, database roles in msdb, and the sid that becomes a package's owner. */
    @SuppressWarnings("ArrayRecordComponent") // a test fixture: never compared, tests read its bytes
    public record Account(String user, String password, Set<String> roles, byte[] sid) {
        public Account {
            roles = Set.copyOf(
                    roles.stream().map(r -> r.toLowerCase(Locale.ROOT)).toList());
        }

        @Override
        public String toString() {
            return "Account[" + user + ", roles=" + roles + "]";
        }
    }

    /** Thrown inside a session to drop its connection, as a network failure would. */
    static final class DroppedConnection extends RuntimeException {
        DroppedConnection() {
            super("connection dropped by the stand-in");
        }
    }

    private final MsdbModel model;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Set<TdsSession> sessions = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "msdb-standin-session");
        t.setDaemon(true);
        return t;
    });
    private volatile ServerSocket serverSocket;
    private volatile Predicate<String> dropConnectionWhen = s -> false;
    private volatile Predicate<String> stallWhen = s -> false;

    public MsdbStandIn(MsdbModel model) {
        this.model = model;
    }

    public MsdbModel model() {
        return model;
    }

    public MsdbStandIn addAccount(String user, String password, String... roles) {
        accounts.put(user.toLowerCase(Locale.ROOT), new Account(user, password, Set.of(roles), sidOf(user)));
        model.addLogin(user, sidOf(user));
        return this;
    }

    /** Starts listening on 127.0.0.1 (port 0 picks a free one). */
    public MsdbStandIn start(int port) throws IOException {
        serverSocket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "msdb-standin-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("msdb STAND-IN (not SQL Server) listening on 127.0.0.1:{}", port());
        return this;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** A JDBC URL for mssql-jdbc; TLS is off because the stand-in has none. */
    public String jdbcUrl() {
        return "jdbc:sqlserver://127.0.0.1:" + port() + ";databaseName=msdb;encrypt=false;trustServerCertificate=true";
    }

    /** Fault injection: statements whose text matches make the server drop the connection. */
    public void dropConnectionWhen(Predicate<String> statement) {
        this.dropConnectionWhen = statement;
    }

    /** Fault injection: statements whose text matches never get an answer until the client gives up. */
    public void stallWhen(Predicate<String> statement) {
        this.stallWhen = statement;
    }

    public void clearFaults() {
        dropConnectionWhen = s -> false;
        stallWhen = s -> false;
    }

    /**
     * Fault injection before a statement runs. A stalled statement sends nothing until the client gives up: when
     * its attention (cancel) arrives the statement ends unanswered, and the session acknowledges the attention,
     * as SQL Server does for a query that is still running.
     */
    void beforeStatement(String text, java.net.Socket client) {
        if (dropConnectionWhen.test(text)) {
            throw new DroppedConnection();
        }
        if (stallWhen.test(text)) {
            try {
                while (client.getInputStream().available() == 0) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DroppedConnection();
            } catch (java.io.IOException e) {
                throw new DroppedConnection();
            }
            throw new Cancelled();
        }
    }

    /** A stalled statement whose client sent an attention. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    Account authenticate(String user, String password) {
        Account a = user == null ? null : accounts.get(user.toLowerCase(Locale.ROOT));
        if (a == null || !a.password().equals(password)) {
            return null;
        }
        return a;
    }

    void sessionEnded(TdsSession session) {
        sessions.remove(session);
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket s = serverSocket.accept();
                s.setTcpNoDelay(true);
                TdsSession session = new TdsSession(s, this);
                sessions.add(session);
                workers.execute(session);
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    log.warn("msdb stand-in: accept failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (serverSocket != null) {
            serverSocket.close();
        }
        sessions.forEach(TdsSession::close);
        workers.shutdownNow();
    }

    static String serverProperty(String name, MsdbModel model) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "productversion" -> model.isSqlServer2005() ? "9.00.5000.00" : "16.0.4236.2";
            case "productmajorversion" -> model.isSqlServer2005() ? "9" : "16";
            case "edition" -> model.nativeBackups().edition();
            case "engineedition" -> String.valueOf(model.nativeBackups().engineEdition());
            case "instancedefaultbackuppath" ->
                model.nativeBackups().defaultDirectory() == null
                        ? null
                        : model.nativeBackups().defaultDirectory().toString();
            case "servername", "machinename" -> SERVER_NAME;
            default -> null;
        };
    }

    static byte[] sidOf(String user) {
        if (user.equalsIgnoreCase("sa")) {
            return MsdbModel.saSid();
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(user.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return Arrays.copyOf(h, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the stand-in as a process for the local stack:
     * {@code --port N --seed DIR --user NAME --password-env VAR [--sql2005]}. The password is read from an
     * environment variable so it never shows in a process list.
     */
    public static void main(String[] args) throws Exception {
        int port = 14330;
        Path seed = null;
        String user = "ssis_backup";
        String passwordEnv = "MSDB_STANDIN_PASSWORD";
        boolean sql2005 = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Path.of(args[++i]);
                case "--user" -> user = args[++i];
                case "--password-env" -> passwordEnv = args[++i];
                case "--sql2005" -> sql2005 = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String password = System.getenv(passwordEnv);
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException(
                    "set the stand-in's login password in the environment variable " + passwordEnv);
        }
        MsdbModel model = new MsdbModel(sql2005);
        if (seed != null) {
            int n = DtsxSeed.load(seed, model);
            log.info("msdb stand-in: seeded {} packages from {}", n, seed);
        }
        MsdbStandIn server = new MsdbStandIn(model)
                .addAccount(user, password, "db_ssisadmin", "db_backupoperator", "SQLAgentOperatorRole")
                .start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException ignored) {
                // exiting
            }
        }));
        Thread.currentThread().join();
    }
}
