package org.ssisbackup.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {
    @Test
    void blobsAreContentAddressedAndFannedOut() {
        String sha = "0f" + "1".repeat(62);
        assertThat(ObjectKeys.blob(sha)).isEqualTo("blobs/sha256/0f/" + sha);
        assertThatThrownBy(() -> ObjectKeys.blob("0F" + "1".repeat(62))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectKeys.blob("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manifestsAreOnePerHostPointAndAgent() {
        UUID p = UUID.fromString("00000000-0000-0000-0000-000000000001");
        assertThat(ObjectKeys.manifest("sql01.contoso", p, AgentKind.FILESYSTEM))
                .isEqualTo("manifests/sql01.contoso/00000000-0000-0000-0000-000000000001/filesystem.json");
        assertThatThrownBy(() -> ObjectKeys.manifest("a/b", p, AgentKind.MSDB))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectKeys.manifest("..", p, AgentKind.MSDB))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
