package org.ssisbackup.msdbagent.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssisbackup.contracts.MalformedMessageException;
import org.ssisbackup.contracts.MessageCodec;

class SqlAgentJobTest {

    static SqlAgentJob.Step step(int id, String name, String subsystem, String command) {
        return new SqlAgentJob.Step(
                id, name, subsystem, command, null, null, null, 0, 0, 1, 0, 2, 0, 0, 0, 0, null, null);
    }

    static SqlAgentJob job(String name, List<SqlAgentJob.Step> steps) {
        return new SqlAgentJob(
                SqlAgentJob.FORMAT,
                null,
                name,
                true,
                "it's nightly",
                null,
                "ETL\\svc",
                1,
                steps,
                List.of(new SqlAgentJob.Schedule(
                        "0b8f5a2e-31c7-4d0e-a5b2-6a1c9e4f7d21",
                        "Nightly",
                        true,
                        4,
                        1,
                        1,
                        0,
                        0,
                        0,
                        20260101,
                        99991231,
                        20000,
                        235959)),
                null);
    }

    @Test
    void theScriptRecreatesTheJobWithMsdbsProceduresAndQuotesEveryString() {
        SqlAgentJob j = job(
                "O'Brien load",
                List.of(
                        step(1, "Load", "SSIS", "/FILE \"\\\"D:\\ETL\\O'Brien.dtsx\\\"\""),
                        step(2, "Tidy", "TSQL", "x")));
        String sql = JobScript.of(j);
        assertThat(sql)
                .contains("EXEC msdb.dbo.sp_add_job @job_name = N'O''Brien load', @enabled = 1,"
                        + " @description = N'it''s nightly', @start_step_id = 1, @owner_login_name = N'ETL\\svc',"
                        + " @job_id = @job_id OUTPUT;")
                .contains("@command = N'/FILE \"\\\"D:\\ETL\\O''Brien.dtsx\\\"\"'")
                .contains("@step_id = 2")
                .contains("EXEC msdb.dbo.sp_add_schedule @schedule_name = N'Nightly', @enabled = 1, @freq_type = 4")
                .contains("EXEC msdb.dbo.sp_attach_schedule @job_id = @job_id, @schedule_id = @schedule_id;")
                .contains("sp_add_jobserver @job_id = @job_id, @server_name = N'(local)'")
                .startsWith("-- SQL Server Agent job N'O''Brien load'")
                .endsWith("COMMIT TRANSACTION;\n");
        assertThat(j.steps().get(0).runsPackage()).isTrue();
        assertThat(j.steps().get(1).runsPackage()).isFalse();
        assertThat(step(1, "x", "CmdExec", "\"C:\\Tools\\dtexec.exe\" /F a.dtsx")
                        .runsPackage())
                .isTrue();
        assertThat(step(1, "x", "CmdExec", "robocopy a b").runsPackage()).isFalse();
    }

    @Test
    void aDefinitionFromTheBucketIsBoundedAndConsistentOrRefused() {
        SqlAgentJob good = job("Nightly", List.of(step(1, "Load", "SSIS", "/F a.dtsx")));
        byte[] json = MessageCodec.encode(good);
        assertThat(MessageCodec.decodeDocument(json, SqlAgentJob.class)).isEqualTo(good);

        assertThatThrownBy(() -> job("Nightly", List.of(step(2, "Load", "SSIS", "/F a.dtsx"))))
                .hasMessageContaining("numbered 1..1");
        assertThatThrownBy(() -> job("Nightly", List.of())).hasMessageContaining("1-1000 steps");
        assertThatThrownBy(() -> job("x".repeat(129), List.of(step(1, "Load", "SSIS", ""))))
                .hasMessageContaining("at most 128 characters");
        assertThatThrownBy(() -> job("Nightly", List.of(step(1, "Load", "SSIS; DROP", ""))))
                .hasMessageContaining("subsystem is a word");
        assertThatThrownBy(() -> job("Nightly", List.of(step(1, "Load", "SSIS", "x".repeat((1 << 20) + 1)))))
                .hasMessageContaining("command of at most");
        String otherFormat =
                new String(json, java.nio.charset.StandardCharsets.UTF_8).replace("\"format\":1", "\"format\":9");
        assertThatThrownBy(() -> MessageCodec.decodeDocument(
                        otherFormat.getBytes(java.nio.charset.StandardCharsets.UTF_8), SqlAgentJob.class))
                .isInstanceOfAny(MalformedMessageException.class, IllegalArgumentException.class)
                .hasMessageContaining("format 9");
    }
}
