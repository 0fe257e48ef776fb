package org.ssisbackup.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogicalPathGlobTest {

    @Test
    void matchesEitherSeparatorWithoutCase() {
        LogicalPathGlob g = LogicalPathGlob.compile("**/Finance/*");
        assertThat(g.matches("C:\\ETL\\Finance\\MonthEnd.dtsx")).isTrue();
        assertThat(g.matches("C:/etl/FINANCE/monthend.dtsx")).isTrue();
        assertThat(g.matches("C:\\ETL\\Finance\\Sub\\x.dtsx")).isFalse();
        assertThat(LogicalPathGlob.compile("\\ETL\\**").matches("\\etl\\Staging\\StageOrders"))
                .isTrue();
        assertThat(LogicalPathGlob.compile("\\ETL\\*").matches("\\ETL\\Staging\\StageOrders"))
                .isFalse();
    }

    @Test
    void classesAlternativesAndSingleCharacters() {
        assertThat(LogicalPathGlob.compile("C:/x/*.{dtsx,dtsConfig}").matches("C:\\x\\a.DTSCONFIG"))
                .isTrue();
        assertThat(LogicalPathGlob.compile("C:/x/*.{dtsx,dtsConfig}").matches("C:\\x\\a.bat"))
                .isFalse();
        assertThat(LogicalPathGlob.compile("/p/v[0-9].dtsx").matches("/p/v7.dtsx"))
                .isTrue();
        assertThat(LogicalPathGlob.compile("/p/v[!0-9].dtsx").matches("/p/v7.dtsx"))
                .isFalse();
        assertThat(LogicalPathGlob.compile("/p/?.dtsx").matches("/p/a.dtsx")).isTrue();
        assertThat(LogicalPathGlob.compile("/p/?.dtsx").matches("/p/ab.dtsx")).isFalse();
        assertThat(LogicalPathGlob.compile("/p/a(b)+.dtsx").matches("/p/a(b)+.dtsx"))
                .isTrue(); // regex characters are literal
    }

    @Test
    void unreadableGlobsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> LogicalPathGlob.compile("[")).hasMessageContaining("'[' without a closing ']'");
        assertThatThrownBy(() -> LogicalPathGlob.compile("{a,")).hasMessageContaining("'{' without a closing '}'");
        assertThatThrownBy(() -> LogicalPathGlob.compile("a}")).hasMessageContaining("'}' without an opening '{'");
        assertThatThrownBy(() -> LogicalPathGlob.compile("{a,{b}}")).hasMessageContaining("inside");
        assertThatThrownBy(() -> LogicalPathGlob.compile("a\u0000b")).hasMessageContaining("control character");
        assertThatThrownBy(() -> LogicalPathGlob.compile("")).hasMessageContaining("empty");
    }
}
