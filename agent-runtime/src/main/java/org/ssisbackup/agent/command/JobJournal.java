package org.ssisbackup.agent.command;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The agent's commands on disk, so that none is lost and none runs twice: a command is written here (and forced to
 * disk) before its Kafka offset is committed, marked running when its job starts, and moved to the done list when the
 * job has reported its end. After a crash or a restart, queued commands run again and a job that was running is
 * reported FAILED ("agent restarted") rather than left open; a command whose job is done is never run again, however
 * often Kafka delivers it.
 *
 * <p>One small file per job ({@code jobs/<id>.queued|running}, {@code done/<id>}), each written by a rename in its
 * folder: nothing here depends on POSIX (NTFS renames within a volume are atomic too).
 */
public final class JobJournal {
    /** How many finished jobs are remembered (a redelivery older than that is long past Kafka's retention). */
    static final int REMEMBERED = 10_000;

    private static final Pattern NAME =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(queued|running)");

    /** A job the journal holds: its command as received, and whether it had started. */
    public static final class Pending {
        private final UUID jobId;
        private final byte[] command;
        private final boolean running;

        Pending(UUID jobId, byte[] command, boolean running) {
            this.jobId = jobId;
            this.command = command.clone();
            this.running = running;
        }

        public UUID jobId() {
            return jobId;
        }

        public byte[] command() {
            return command.clone();
        }

        public boolean running() {
            return running;
        }
    }

    private final Path jobs;
    private final Path done;
    private int finishedSincePrune;

    public JobJournal(Path stateDir) {
        this.jobs = stateDir.resolve("jobs");
        this.done = stateDir.resolve("done");
        try {
            Files.createDirectories(jobs);
            Files.createDirectories(done);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the agent's state folder " + stateDir + " cannot be created (ssisbackup.agent.state-dir): " + e,
                    e);
        }
    }

    /**
     * Takes a command for a job the journal has not seen: true when it is written and forced to disk (and may then be
     * acknowledged), false when the job is queued, running or done already.
     */
    public synchronized boolean admit(UUID jobId, byte[] command) {
        if (knows(jobId)) {
            return false;
        }
        write(jobs.resolve(jobId + ".queued"), command);
        return true;
    }

    public synchronized boolean knows(UUID jobId) {
        return Files.exists(done.resolve(jobId.toString()))
                || Files.exists(jobs.resolve(jobId + ".queued"))
                || Files.exists(jobs.resolve(jobId + ".running"));
    }

    /** The job has started: after a crash from here on, it is reported as interrupted, not run again. */
    public synchronized void started(UUID jobId) {
        move(jobs.resolve(jobId + ".queued"), jobs.resolve(jobId + ".running"));
    }

    /** The job reported its end: remembered as done, so that a redelivered command is ignored. */
    public synchronized void finished(UUID jobId) {
        write(done.resolve(jobId.toString()), new byte[0]);
        try {
            Files.deleteIfExists(jobs.resolve(jobId + ".running"));
            Files.deleteIfExists(jobs.resolve(jobId + ".queued"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (++finishedSincePrune >= 100) {
            finishedSincePrune = 0;
            prune();
        }
    }

    /** What a previous run of the agent left: queued jobs in the order they came, then interrupted ones. */
    public synchronized List<Pending> pending() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(jobs)) {
            for (Path p : s) {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if (NAME.matcher(name).matches()) {
                    files.add(p);
                } else if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // a write cut short by the crash
                }
            }
            files.sort(Comparator.comparing(JobJournal::modified));
            List<Pending> out = new ArrayList<>();
            for (Path p : files) {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                out.add(new Pending(
                        UUID.fromString(name.substring(0, 36)), Files.readAllBytes(p), name.endsWith(".running")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent's job journal " + jobs, e);
        }
    }

    private void prune() {
        List<Path> all = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(done)) {
            s.forEach(all::add);
            if (all.size() <= REMEMBERED) {
                return;
            }
            all.sort(Comparator.comparing(JobJournal::modified));
            for (Path p : all.subList(0, all.size() - REMEMBERED)) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** Written to a temporary name, forced to disk, then renamed: a crash leaves the old state or the new, never half. */
    private static void write(Path target, byte[] bytes) {
        Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(bytes);
                out.flush();
                ch.force(true);
            }
            move(tmp, target);
            forceFolder(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent's job journal (" + target + ")", e);
        }
    }

    /** The rename itself made durable where the platform allows it (Linux); NTFS journals its metadata. */
    private static void forceFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // Windows cannot open a folder as a channel; nothing more to do there
        }
    }

    private static void move(Path from, Path to) {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (NoSuchFileException e) {
            // already moved (a job started twice cannot happen; a rename after a crash may)
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the agent's job journal (" + to + ")", e);
        }
    }
}
