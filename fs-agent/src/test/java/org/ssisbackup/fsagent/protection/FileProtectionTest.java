package org.ssisbackup.fsagent.protection;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A restored file gets the protection its original had, and is never more readable than it was. */
class FileProtectionTest {
    final FileSystem linux = Jimfs.newFileSystem(Configuration.unix().toBuilder()
            .setAttributeViews("basic", "owner", "posix")
            .build());
    final List<String> notes = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        linux.close();
    }

    private Path file(String name, String mode, String group) throws IOException {
        Path p = Files.writeString(
                Files.createDirectories(linux.getPath("/srv/ssis")).resolve(name), "x");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        if (group != null) {
            Files.getFileAttributeView(p, PosixFileAttributeView.class)
                    .setGroup(linux.getUserPrincipalLookupService().lookupPrincipalByGroupName(group));
        }
        return p;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void thePosixModeAndGroupAreRecordedAndPutBack() throws IOException {
        Path original = file("Prod.dtsConfig", "rw-r-----", "ssis");
        Map<String, String> recorded = FileProtection.read(original);
        assertThat(recorded)
                .containsEntry(FileProtection.POSIX_MODE, "rw-r-----")
                .containsEntry(FileProtection.GROUP, "ssis")
                .containsKey(FileProtection.OWNER);

        // In place: the SSIS service's group reads the restored configuration file again (today's 600 would not).
        Path tmp = file(".ssis-restore-1.tmp", "rw-------", null);
        FileProtection.applyPermissions(tmp, recorded, null, true, notes::add);
        assertThat(mode(tmp)).isEqualTo("rw-r-----");
        assertThat(Files.readAttributes(tmp, java.nio.file.attribute.PosixFileAttributes.class)
                        .group()
                        .getName())
                .isEqualTo("ssis");

        // Elsewhere, without its group: another group must not read what "ssis" could.
        Path elsewhere = file(".ssis-restore-2.tmp", "rw-------", null);
        FileProtection.applyPermissions(elsewhere, recorded, null, false, notes::add);
        assertThat(mode(elsewhere)).isEqualTo("rw-------");
    }

    @Test
    void withoutARecordAFileKeepsWhatItReplacesOrItsOwnerAlone() throws IOException {
        Path existing = file("Old.dtsConfig", "rw-rw-r--", null);
        Path tmp = file(".ssis-restore-3.tmp", "rw-------", null);
        FileProtection.applyPermissions(tmp, Map.of(), existing, true, notes::add);
        assertThat(mode(tmp)).isEqualTo("rw-rw-r--");
        Path fresh = file(".ssis-restore-4.tmp", "rw-rw-rw-", null);
        FileProtection.applyPermissions(
                fresh, Map.of(FileProtection.ACL, "ALLOW:x:READ_DATA:"), null, true, notes::add);
        assertThat(mode(fresh))
                .as("an NTFS record means nothing here: owner only")
                .isEqualTo("rw-------");
    }

    @Test
    void anAclDenyingAnUnknownAccountIsNotLoosenedButAnUnknownAllowIsDropped() {
        UserPrincipalLookupService users = new UserPrincipalLookupService() {
            @Override
            public UserPrincipal lookupPrincipalByName(String name) throws IOException {
                if (!name.startsWith("CORP\\")) {
                    throw new UserPrincipalNotFoundException(name);
                }
                return () -> name;
            }

            @Override
            public GroupPrincipal lookupPrincipalByGroupName(String group) throws IOException {
                throw new UserPrincipalNotFoundException(group);
            }
        };
        var entries = FileProtection.parse(
                "ALLOW:CORP\\svc-ssis:READ_DATA/READ_ATTRIBUTES:;ALLOW:OLDDOMAIN\\etl:READ_DATA:", users, notes::add);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).permissions())
                .isEqualTo(Set.of(
                        java.nio.file.attribute.AclEntryPermission.READ_DATA,
                        java.nio.file.attribute.AclEntryPermission.READ_ATTRIBUTES));
        assertThat(notes).singleElement().asString().contains("OLDDOMAIN\\etl");

        assertThat(FileProtection.parse(
                        "DENY:OLDDOMAIN\\interns:READ_DATA:;ALLOW:CORP\\svc-ssis:READ_DATA:", users, notes::add))
                .as("dropping a deny would make the file more readable: owner only instead")
                .isNull();
        assertThat(FileProtection.parse("ALLOW:CORP\\a:NOT_A_PERMISSION:", users, notes::add))
                .isNull();
        assertThat(FileProtection.parse("garbage", users, notes::add)).isNull();
    }
}
