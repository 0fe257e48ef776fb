package org.ssisbackup.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.OverwritePolicy;
import tools.jackson.databind.json.JsonMapper;

/** The REST request carries the restore options flat, as one record the command shares. */
class RestoreRequestTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void optionsAreReadFlatFromTheRequest() {
        RestoreController.RestoreRequest r = JSON.readValue("""
                {"restorePointId":"7f0c4c4e-2f54-4a38-9a4f-1e0f3a9b5c11","targetHost":"sql02","include":["**/Finance/*"],
                 "targetPath":"D:\\\\Restored","overwrite":"ifChanged","dryRun":true,"scope":["SSISDB"],
                 "targetFolder":"\\\\Restored","restoreRoles":true}""", RestoreController.RestoreRequest.class);
        assertThat(r.targetHost()).isEqualTo("sql02");
        assertThat(r.options().include()).isEqualTo(List.of("**/Finance/*"));
        assertThat(r.options().targetPath()).isEqualTo("D:\\Restored");
        assertThat(r.options().overwrite()).isEqualTo(OverwritePolicy.IF_CHANGED);
        assertThat(r.options().isDryRun()).isTrue();
        assertThat(r.options().scope()).isEqualTo(Set.of(BackupScope.SSISDB));
        assertThat(r.options().restoresRoles()).isTrue();
    }

    @Test
    void hostileOptionsAreRefusedWhenTheRequestIsRead() {
        assertThatThrownBy(() -> JSON.readValue(
                        "{\"restorePointId\":\"7f0c4c4e-2f54-4a38-9a4f-1e0f3a9b5c11\",\"targetPath\":\"../../etc\"}",
                        RestoreController.RestoreRequest.class))
                .hasMessageContaining("targetPath must be absolute");
        assertThatThrownBy(() -> JSON.readValue(
                        "{\"restorePointId\":\"7f0c4c4e-2f54-4a38-9a4f-1e0f3a9b5c11\",\"include\":[\"[\"]}",
                        RestoreController.RestoreRequest.class))
                .hasMessageContaining("'[' without a closing ']'");
    }
}
