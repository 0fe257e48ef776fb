package org.ssisbackup.platform.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;

/**
 * Files only their owner may read: POSIX mode 600 from the moment they are created, or on NTFS an ACL granting the
 * owner alone, set before anything is written to them. For keys, and for restored bytes before their permissions are
 * set. Decided by the file system's attribute views, never by the operating system's name.
 */
public final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {}

    /** The one entry of an owner-only NTFS ACL: everything, for the owner. */
    public static AclEntry ownerEntry(UserPrincipal owner) {
        return AclEntry.newBuilder()
                .setType(AclEntryType.ALLOW)
                .setPrincipal(owner)
                .setPermissions(EnumSet.allOf(AclEntryPermission.class))
                .build();
    }

    /** A new, empty file readable by its owner only; fails if it exists. */
    public static Path create(Path file) throws IOException {
        if (posix(file)) {
            return Files.createFile(
                    file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.createFile(file);
        restrictAcl(file);
        return file;
    }

    /** A new, empty temporary file in {@code folder}, readable by its owner only. */
    public static Path createTemp(Path folder, String prefix, String suffix) throws IOException {
        if (posix(folder)) {
            return Files.createTempFile(
                    folder,
                    prefix,
                    suffix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Path tmp = Files.createTempFile(folder, prefix, suffix);
        restrictAcl(tmp);
        return tmp;
    }

    /** Whether files here can be made owner-only at all (POSIX permissions or ACLs). */
    public static boolean supported(Path file) {
        java.util.Set<String> views = file.getFileSystem().supportedFileAttributeViews();
        return views.contains("posix") || views.contains("acl");
    }

    private static void restrictAcl(Path file) throws IOException {
        AclFileAttributeView acl = Files.getFileAttributeView(file, AclFileAttributeView.class);
        if (acl != null) {
            acl.setAcl(List.of(ownerEntry(acl.getOwner())));
        }
    }

    private static boolean posix(Path any) {
        return any.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
