package org.ssisbackup.fsagent.protection;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.ssisbackup.platform.files.OwnerOnlyFiles;

/**
 * Who may read a file and how it is marked: its owner and either its NTFS ACL (Windows) or its POSIX mode and group,
 * and its DOS attributes (read-only, hidden, system, archive), recorded with each item of a restore point and put
 * back on restore. Whatever a file system supports is used, found by its attribute views, never by the operating
 * system's name: the same code serves NTFS, Linux and the in-memory file systems of the tests.
 *
 * <p>A restored file is never more readable than the original: the bytes are written to a temporary file only its
 * owner reads, the recorded permissions are applied to it before it is renamed into place, and when they cannot be
 * applied whole (a deny entry for an account this machine does not know, no record from a file system of another
 * kind) the file keeps permissions for its owner alone, or, in place, those of the file it replaces.
 */
public final class FileProtection {
    /** Metadata keys, as restore points record them. */
    public static final String OWNER = "owner";

    public static final String GROUP = "group";
    public static final String POSIX_MODE = "posixMode";
    public static final String ACL = "acl";
    public static final String DOS = "dos";

    /** An ACL longer than this is not a package folder's: it is not recorded (and the restore keeps owner-only). */
    static final int MAX_ACL_ENTRIES = 256;

    private FileProtection() {}

    /** The file's protection as metadata entries; what the file system cannot say is left out. */
    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        Set<String> views = file.getFileSystem().supportedFileAttributeViews();
        if (views.contains("posix")) {
            PosixFileAttributes p = Files.getFileAttributeView(
                            file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            m.put(OWNER, p.owner().getName());
            m.put(GROUP, p.group().getName());
            m.put(POSIX_MODE, PosixFilePermissions.toString(p.permissions()));
        } else if (views.contains("owner")) {
            m.put(OWNER, Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName());
        }
        if (views.contains("acl")) {
            List<AclEntry> acl = Files.getFileAttributeView(file, AclFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .getAcl();
            if (acl.size() <= MAX_ACL_ENTRIES) {
                m.put(ACL, format(acl));
            }
        }
        if (views.contains("dos")) {
            DosFileAttributes d = Files.getFileAttributeView(
                            file, DosFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            List<String> set = new ArrayList<>();
            if (d.isReadOnly()) set.add("readonly");
            if (d.isHidden()) set.add("hidden");
            if (d.isSystem()) set.add("system");
            if (d.isArchive()) set.add("archive");
            m.put(DOS, String.join(",", set));
        }
        return m;
    }

    /**
     * Applies recorded permissions to {@code tmp} (the restored bytes, not yet in place): the recorded POSIX mode or
     * ACL; without one, those of {@code replaced} (the file about to be overwritten, if any); without either, owner
     * only. The owner and group are set too when {@code setOwner} (in place) and this process may; what could not be
     * applied is told to {@code note}.
     */
    public static void applyPermissions(
            Path tmp, Map<String, String> recorded, Path replaced, boolean setOwner, Consumer<String> note)
            throws IOException {
        FileSystem fs = tmp.getFileSystem();
        Set<String> views = fs.supportedFileAttributeViews();
        UserPrincipalLookupService users = fs.getUserPrincipalLookupService();
        boolean replacing = replaced != null && Files.isRegularFile(replaced, LinkOption.NOFOLLOW_LINKS);
        if (views.contains("posix")) {
            PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            String mode = recorded.get(POSIX_MODE);
            Set<PosixFilePermission> perms;
            if (mode != null && mode.matches("[r-][w-][x-][r-][w-][x-][r-][w-][x-]")) {
                perms = PosixFilePermissions.fromString(mode);
            } else if (replacing) {
                perms = Files.getPosixFilePermissions(replaced, LinkOption.NOFOLLOW_LINKS);
            } else {
                perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            }
            String group = recorded.get(GROUP);
            if (setOwner && group != null) {
                try {
                    view.setGroup(users.lookupPrincipalByGroupName(group));
                } catch (IOException | UnsupportedOperationException | SecurityException e) {
                    note.accept("group " + group + " not set: " + reason(e));
                }
            }
            if (mode != null
                    && group != null
                    && !group.equals(view.readAttributes().group().getName())) {
                // Another group must not read what the recorded one could.
                perms.removeAll(EnumSet.of(
                        PosixFilePermission.GROUP_READ,
                        PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.GROUP_EXECUTE));
            }
            view.setPermissions(perms);
        }
        if (views.contains("acl")) {
            AclFileAttributeView view = Files.getFileAttributeView(tmp, AclFileAttributeView.class);
            String acl = recorded.get(ACL);
            List<AclEntry> entries = acl == null ? null : parse(acl, users, note);
            if (entries == null && replacing) {
                entries = Files.getFileAttributeView(replaced, AclFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .getAcl();
            }
            if (entries == null) {
                entries = List.of(OwnerOnlyFiles.ownerEntry(view.getOwner()));
            }
            view.setAcl(entries);
        }
        if (setOwner && recorded.containsKey(OWNER) && views.contains("owner")) {
            try {
                Files.setOwner(tmp, users.lookupPrincipalByName(recorded.get(OWNER)));
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                note.accept("owner " + recorded.get(OWNER) + " not set: " + reason(e));
            }
        }
    }

    /** Sets the recorded DOS attributes on a file in place (after the rename: read-only would stop it). */
    public static void applyDosAttributes(Path file, Map<String, String> recorded) throws IOException {
        String dos = recorded.get(DOS);
        if (dos == null || !file.getFileSystem().supportedFileAttributeViews().contains("dos")) {
            return;
        }
        Set<String> set = Set.of(dos.toLowerCase(Locale.ROOT).split(",", -1));
        DosFileAttributeView view =
                Files.getFileAttributeView(file, DosFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setHidden(set.contains("hidden"));
        view.setSystem(set.contains("system"));
        view.setArchive(set.contains("archive"));
        view.setReadOnly(set.contains("readonly"));
    }

    /**
     * Clears read-only on a file about to be replaced (NTFS refuses to replace a read-only file); its recorded
     * attributes are set again afterwards.
     */
    public static void allowReplacing(Path existing) throws IOException {
        if (existing.getFileSystem().supportedFileAttributeViews().contains("dos")
                && Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
            DosFileAttributeView view =
                    Files.getFileAttributeView(existing, DosFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            if (view.readAttributes().isReadOnly()) {
                view.setReadOnly(false);
            }
        }
    }

    /** {@code TYPE:principal:perm/perm:flag/flag} per entry, {@code ;} between: no account name holds ':' or ';'. */
    static String format(List<AclEntry> acl) {
        List<String> out = new ArrayList<>();
        for (AclEntry e : acl) {
            out.add(e.type() + ":" + e.principal().getName() + ":" + join(e.permissions()) + ":" + join(e.flags()));
        }
        return String.join(";", out);
    }

    private static String join(Set<? extends Enum<?>> values) {
        List<String> names = new ArrayList<>();
        values.forEach(v -> names.add(v.name()));
        names.sort(null);
        return String.join("/", names);
    }

    /**
     * The recorded ACL with its principals found here. An allow entry for an unknown account is dropped (less
     * readable); a deny entry for one cannot be dropped (that would be more readable), so then null: owner only.
     */
    static List<AclEntry> parse(String acl, UserPrincipalLookupService users, Consumer<String> note) {
        List<AclEntry> entries = new ArrayList<>();
        for (String text : acl.split(";", -1)) {
            if (text.isBlank()) {
                continue;
            }
            String[] f = text.split(":", -1);
            if (f.length != 4) {
                note.accept("an ACL entry that is not TYPE:principal:permissions:flags was not applied; owner only");
                return null;
            }
            AclEntryType type;
            Set<AclEntryPermission> perms = EnumSet.noneOf(AclEntryPermission.class);
            Set<AclEntryFlag> flags = EnumSet.noneOf(AclEntryFlag.class);
            try {
                type = AclEntryType.valueOf(f[0]);
                for (String p : f[2].split("/", -1)) {
                    if (!p.isEmpty()) perms.add(AclEntryPermission.valueOf(p));
                }
                for (String p : f[3].split("/", -1)) {
                    if (!p.isEmpty()) flags.add(AclEntryFlag.valueOf(p));
                }
            } catch (IllegalArgumentException e) {
                note.accept("an ACL entry with an unknown type, permission or flag; owner only");
                return null;
            }
            UserPrincipal principal;
            try {
                principal = users.lookupPrincipalByName(f[1]);
            } catch (UserPrincipalNotFoundException e) {
                if (type == AclEntryType.DENY) {
                    note.accept("the ACL denies " + f[1] + ", an account this machine does not know; owner only");
                    return null;
                }
                note.accept("ACL entry for " + f[1] + " not applied: no such account here");
                continue;
            } catch (IOException e) {
                note.accept("ACL not applied (" + e.getMessage() + "); owner only");
                return null;
            }
            entries.add(AclEntry.newBuilder()
                    .setType(type)
                    .setPrincipal(principal)
                    .setPermissions(perms)
                    .setFlags(flags)
                    .build());
        }
        return entries;
    }

    private static String reason(Exception e) {
        return e instanceof UserPrincipalNotFoundException u
                ? "no such account here (" + u.getName() + ")"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
