package org.ssisbackup.orchestrator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
    final Map<String, String> prodBi = Map.of("env", "prod", "team", "bi");

    @Test
    void equalityInequalityAndExistence() {
        assertThat(LabelSelector.parse("env=prod").matches(prodBi)).isTrue();
        assertThat(LabelSelector.parse("env=prod, team!=bi").matches(prodBi)).isFalse();
        assertThat(LabelSelector.parse("region!=eu").matches(prodBi)).isTrue(); // an unset label is not 'eu'
        assertThat(LabelSelector.parse("team").matches(prodBi)).isTrue();
        assertThat(LabelSelector.parse("region").matches(prodBi)).isFalse();
        assertThat(LabelSelector.parse("").matches(Map.of())).isTrue();
        assertThat(LabelSelector.parse(" env = prod ,team=bi").toString()).isEqualTo("env=prod,team=bi");
    }

    @Test
    void badTermsSayWhich() {
        assertThatThrownBy(() -> LabelSelector.parse("env=prod,=x")).hasMessageContaining("'=x'");
        assertThatThrownBy(() -> LabelSelector.parse("env=a b")).hasMessageContaining("value");
        assertThatThrownBy(() -> LabelSelector.requireValidLabels(Map.of("env", "has space")))
                .hasMessageContaining("'has space'");
    }
}
