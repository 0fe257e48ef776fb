package org.ssisbackup.testkit.msdb;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.testkit.msdb.SqlType.TdsBuffer;

/** One client connection: TDS 7.4 framing, PRELOGIN without TLS, LOGIN7, SQL batches and RPCs. */
final class TdsSession implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TdsSession.class);

    private static final int PRELOGIN = 0x12;
    private static final int LOGIN7 = 0x10;
    private static final int SQL_BATCH = 0x01;
    private static final int RPC = 0x03;
    private static final int ATTENTION = 0x06;
    private static final int TABULAR_RESULT = 0x04;

    private static final int DONE_MORE = 0x01;
    private static final int DONE_ERROR = 0x02;
    private static final int DONE_COUNT = 0x10;
    private static final int DONE_ATTN = 0x20;

    private static final int PACKET_SIZE = 4096;

    private final Socket socket;
    private final MsdbStandIn server;
    private final Map<Integer, Prepared> prepared = new HashMap<>();
    private int nextHandle = 1;
    private MsdbStandIn.Account account;
    private StandInSql sql;
    private int packetId;

    private record Prepared(String statement, List<String> paramNames) {}

    /** One TDS message (a class, not a record: it holds an array, which a record would compare by identity). */
    private static final class Message {
        private final int type;
        private final byte[] payload;

        Message(int type, byte[] payload) {
            this.type = type;
            this.payload = payload;
        }

        int type() {
            return type;
        }

        byte[] payload() {
            return payload;
        }
    }

    TdsSession(Socket socket, MsdbStandIn server) {
        this.socket = socket;
        this.server = server;
    }

    @Override
    public void run() {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                Message m = read(in);
                if (m == null) {
                    return;
                }
                switch (m.type()) {
                    case PRELOGIN -> send(out, preloginResponse());
                    case LOGIN7 -> {
                        if (!login(out, TdsRequest.parseLogin(m.payload()))) {
                            return;
                        }
                    }
                    case SQL_BATCH -> unlessCancelled(out, () -> batch(out, TdsRequest.parseSqlBatch(m.payload())));
                    case RPC -> unlessCancelled(out, () -> rpc(out, m.payload()));
                    case ATTENTION ->
                        send(out, new TdsBuffer().u8(0xFD).u16(DONE_ATTN).u16(0).i64(0));
                    default -> {
                        TdsBuffer b = new TdsBuffer();
                        error(
                                b,
                                new StandInSqlException(
                                        40000,
                                        "TDS message type 0x" + Integer.toHexString(m.type())
                                                + " is not modelled by the msdb stand-in"));
                        done(b, 0xFD, DONE_ERROR, 0);
                        send(out, b);
                    }
                }
            }
        } catch (MsdbStandIn.DroppedConnection e) {
            log.info("msdb stand-in: dropping the connection as the test asked");
        } catch (IOException e) {
            log.debug("msdb stand-in: connection ended: {}", e.toString());
        } catch (RuntimeException e) {
            log.warn("msdb stand-in: session failed", e);
        } finally {
            server.sessionEnded(this);
        }
    }

    private interface Request {
        void run() throws IOException;
    }

    /**
     * Runs a request. A stalled one the client cancelled is ended as SQL Server ends it: its response message is
     * closed with a bare DONE, and the ATTENTION message that cancelled it, read next, is acknowledged in a message of
     * its own (DONE_ATTN). mssql-jdbc relies on the two messages: at the end of the first it reads one more packet
     * for the acknowledgement, and would wait forever if that packet never came.
     */
    private void unlessCancelled(OutputStream out, Request r) throws IOException {
        try {
            r.run();
        } catch (MsdbStandIn.Cancelled e) {
            TdsBuffer b = new TdsBuffer();
            done(b, 0xFD, 0, 0);
            send(out, b);
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private Message read(DataInputStream in) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int type;
        while (true) {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            type = first;
            int status = in.readUnsignedByte();
            int length = in.readUnsignedShort();
            in.readFully(new byte[4]); // spid, packet id, window
            byte[] body = new byte[length - 8];
            in.readFully(body);
            payload.write(body);
            if ((status & 0x01) != 0) {
                break;
            }
        }
        return new Message(type, payload.toByteArray());
    }

    private void send(OutputStream out, TdsBuffer tokens) throws IOException {
        byte[] data = tokens.toByteArray();
        int max = PACKET_SIZE - 8;
        int off = 0;
        do {
            int n = Math.min(max, data.length - off);
            boolean last = off + n >= data.length;
            byte[] header = {
                (byte) TABULAR_RESULT,
                (byte) (last ? 1 : 0),
                (byte) ((n + 8) >>> 8),
                (byte) (n + 8),
                0,
                0,
                (byte) ++packetId,
                0
            };
            out.write(header);
            out.write(data, off, n);
            off += n;
        } while (off < data.length);
        out.flush();
    }

    private TdsBuffer preloginResponse() {
        // Options: VERSION, ENCRYPTION (ENCRYPT_NOT_SUP so that the login travels without TLS), INSTOPT, THREADID,
        // MARS.
        byte[] version = {16, 0, 0x10, (byte) 0x8C, 0, 0};
        byte[][] values = {version, {0x02}, {0x00}, {0, 0, 0, 0}, {0x00}};
        int headerLen = values.length * 5 + 1;
        TdsBuffer b = new TdsBuffer();
        int offset = headerLen;
        for (int i = 0; i < values.length; i++) {
            b.u8(i);
            b.u8(offset >>> 8).u8(offset);
            b.u8(values[i].length >>> 8).u8(values[i].length);
            offset += values[i].length;
        }
        b.u8(0xFF);
        for (byte[] v : values) {
            b.bytes(v);
        }
        return b;
    }

    private boolean login(OutputStream out, TdsRequest.Login login) throws IOException {
        TdsBuffer b = new TdsBuffer();
        MsdbStandIn.Account acc = server.authenticate(login.user(), login.password());
        if (acc == null) {
            error(b, new StandInSqlException(18456, 14, "Login failed for user '" + login.user() + "'."));
            done(b, 0xFD, DONE_ERROR, 0);
            send(out, b);
            return false;
        }
        this.account = acc;
        this.sql = new StandInSql(server.model(), new StandInSql.SessionContext() {
            @Override
            public String user() {
                return account.user();
            }

            @Override
            public boolean isRoleMember(String role) {
                return account.roles().contains(role.toLowerCase(Locale.ROOT));
            }

            @Override
            public byte[] callerSid() {
                return account.sid();
            }
        });
        String db = login.database() == null || login.database().isEmpty() ? "msdb" : login.database();
        envChangeString(b, 1, db, "master");
        b.u8(0xE3).u16(8).u8(7).u8(5).bytes(SqlType.COLLATION).u8(0); // SQL collation
        String prog = "Microsoft SQL Server";
        b.u8(0xAD)
                .u16(1 + 4 + 1 + prog.length() * 2 + 4)
                .u8(1)
                .u8(0x74)
                .u8(0x00)
                .u8(0x00)
                .u8(0x04) // TDS 7.4, big-endian in LOGINACK
                .bVarchar(prog)
                .u8(16)
                .u8(0)
                .u8(0x10)
                .u8(0x8C);
        envChangeString(b, 4, String.valueOf(PACKET_SIZE), String.valueOf(PACKET_SIZE));
        done(b, 0xFD, 0, 0);
        send(out, b);
        log.debug("msdb stand-in: {} logged in", login);
        return true;
    }

    private static void envChangeString(TdsBuffer b, int type, String newValue, String oldValue) {
        b.u8(0xE3)
                .u16(1 + 1 + newValue.length() * 2 + 1 + oldValue.length() * 2)
                .u8(type)
                .bVarchar(newValue)
                .bVarchar(oldValue);
    }

    private void batch(OutputStream out, String text) throws IOException {
        TdsBuffer b = new TdsBuffer();
        try {
            server.beforeStatement(text, socket);
            List<StandInSql.Result> results = sql.execute(text, Map.of());
            if (results.isEmpty()) {
                done(b, 0xFD, 0, 0);
            }
            for (int i = 0; i < results.size(); i++) {
                writeResult(b, results.get(i), 0xFD, i < results.size() - 1);
            }
        } catch (StandInSqlException e) {
            b = new TdsBuffer();
            error(b, e);
            done(b, 0xFD, DONE_ERROR, 0);
        }
        send(out, b);
    }

    private void rpc(OutputStream out, byte[] payload) throws IOException {
        TdsBuffer b = new TdsBuffer();
        List<TdsRequest.RpcParam> outputs = new ArrayList<>();
        Integer status = 0;
        try {
            TdsRequest.Rpc call = TdsRequest.parseRpc(payload);
            List<TdsRequest.RpcParam> p = call.params();
            String proc = call.procName() == null ? null : call.procName().toLowerCase(Locale.ROOT);
            int id = call.procId();
            List<StandInSql.Result> results = new ArrayList<>();
            if (id == 10 || "sp_executesql".equals(proc)) {
                String stmt = (String) p.get(0).value();
                String decl = p.size() > 1 ? (String) p.get(1).value() : "";
                results.addAll(run(stmt, declaredNames(decl), p.subList(Math.min(2, p.size()), p.size())));
            } else if (id == 13 || "sp_prepexec".equals(proc)) {
                List<String> names = declaredNames((String) p.get(1).value());
                String stmt = (String) p.get(2).value();
                int handle = nextHandle++;
                prepared.put(handle, new Prepared(stmt, names));
                outputs.add(new TdsRequest.RpcParam(p.get(0).name(), true, handle));
                results.addAll(run(stmt, names, p.subList(3, p.size())));
            } else if (id == 11 || "sp_prepare".equals(proc)) {
                int handle = nextHandle++;
                prepared.put(handle, new Prepared((String) p.get(2).value(), declaredNames((String)
                        p.get(1).value())));
                outputs.add(new TdsRequest.RpcParam(p.get(0).name(), true, handle));
            } else if (id == 12 || "sp_execute".equals(proc)) {
                Prepared prep = prepared.get((Integer) p.get(0).value());
                if (prep == null) {
                    throw new StandInSqlException(
                            8179,
                            "Could not find prepared statement with handle "
                                    + p.get(0).value() + ".");
                }
                results.addAll(run(prep.statement(), prep.paramNames(), p.subList(1, p.size())));
            } else if (id == 15 || "sp_unprepare".equals(proc)) {
                prepared.remove((Integer) p.get(0).value());
            } else if (call.procName() != null) {
                server.beforeStatement("EXEC " + call.procName(), socket);
                List<Object> positional = new ArrayList<>();
                Map<String, Object> named = new LinkedHashMap<>();
                for (TdsRequest.RpcParam param : p) {
                    if (param.name() == null || param.name().isEmpty()) {
                        positional.add(param.value());
                    } else {
                        named.put(param.name(), param.value());
                    }
                }
                results.add(sql.call(call.procName(), positional, named));
            } else {
                throw new StandInSqlException(2812, "RPC procedure id " + id + " is not modelled by the msdb stand-in");
            }
            for (StandInSql.Result r : results) {
                if (r.hasRows()) {
                    writeResult(b, r, 0xFF, true);
                }
                if (r.returnStatus() != null) {
                    status = r.returnStatus();
                }
            }
            b.u8(0x79).i32(status);
            for (int i = 0; i < outputs.size(); i++) {
                TdsRequest.RpcParam o = outputs.get(i);
                b.u8(0xAC)
                        .u16(i)
                        .bVarchar(o.name() == null ? "" : o.name())
                        .u8(0x01)
                        .i32(0)
                        .u16(0);
                SqlType.INT.writeTypeInfo(b);
                SqlType.INT.writeValue(b, o.value());
            }
            done(b, 0xFE, 0, 0);
        } catch (StandInSqlException e) {
            b = new TdsBuffer();
            error(b, e);
            done(b, 0xFE, DONE_ERROR, 0);
        }
        send(out, b);
    }

    private List<StandInSql.Result> run(String stmt, List<String> names, List<TdsRequest.RpcParam> values) {
        server.beforeStatement(stmt, socket);
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            TdsRequest.RpcParam v = values.get(i);
            String name =
                    v.name() != null && !v.name().isEmpty() ? v.name() : (i < names.size() ? names.get(i) : "@P" + i);
            params.put(name.toLowerCase(Locale.ROOT), v.value());
        }
        return sql.execute(stmt, params);
    }

    /** "@P0 nvarchar(4000),@P1 int OUTPUT" → [@P0, @P1] */
    private static List<String> declaredNames(String decl) {
        List<String> names = new ArrayList<>();
        if (decl == null) {
            return names;
        }
        for (SqlParser.Token t : SqlParser.tokenize(decl)) {
            if (t.kind() == SqlParser.Kind.PARAM) {
                names.add(t.text());
            }
        }
        return names;
    }

    private void writeResult(TdsBuffer b, StandInSql.Result r, int doneToken, boolean more) {
        int status = more ? DONE_MORE : 0;
        if (r.hasRows()) {
            b.u8(0x81).u16(r.columnNames().size());
            for (int i = 0; i < r.columnNames().size(); i++) {
                b.i32(0).u16(0x0001); // user type, flags: nullable
                r.columnTypes().get(i).writeTypeInfo(b);
                b.bVarchar(r.columnNames().get(i));
            }
            for (Object[] row : r.rows()) {
                b.u8(0xD1);
                for (int i = 0; i < row.length; i++) {
                    r.columnTypes().get(i).writeValue(b, row[i]);
                }
            }
            status |= DONE_COUNT;
        }
        done(b, doneToken, status, r.rowCount());
    }

    private static void done(TdsBuffer b, int token, int status, long rowCount) {
        b.u8(token).u16(status).u16(0xC1).i64(rowCount);
    }

    private void error(TdsBuffer b, StandInSqlException e) {
        String msg = e.getMessage() == null ? "error" : e.getMessage();
        String srv = MsdbStandIn.SERVER_NAME;
        int len = 4 + 1 + 1 + 2 + msg.length() * 2 + 1 + srv.length() * 2 + 1 + 4;
        b.u8(0xAA)
                .u16(len)
                .i32(e.number())
                .u8(1)
                .u8(e.severity())
                .usVarchar(msg)
                .bVarchar(srv)
                .u8(0)
                .i32(1);
        log.debug("msdb stand-in: error {}: {}", e.number(), msg);
    }
}
