package io.sipfleet.switching.cdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdrCsvTest {

    @TempDir
    Path dir;

    @Test
    void exports_a_header_and_a_row_per_cdr() throws Exception {
        Cdr unanswered = Cdr.builder().callId("c2").from("sip:1002@x").startTime(CdrTest.T0)
                .endTime(CdrTest.T0.plusSeconds(3)).finalStatus(487).endReason(EndReason.CANCEL).build();
        Path file = Files.writeString(dir.resolve("cdr.jsonl"),
                CdrJson.line(CdrTest.answered("c1")) + "\n\n" + CdrJson.line(unanswered) + "\n");
        StringWriter out = new StringWriter();

        assertThat(CdrCsv.export(file, out)).isEqualTo(2);

        String[] rows = out.toString().split("\r\n");
        assertThat(rows).hasSize(3);
        assertThat(rows[0]).isEqualTo("callId,from,to,ruri,source,route,gateway,startTime,answerTime,endTime,"
                + "durationMillis,setupMillis,finalStatus,endReason,serverId");
        assertThat(rows[1]).isEqualTo("c1,sip:1001@sipfleet.local,sip:442071234567@sipfleet.local,"
                + "sip:442071234567@127.0.0.2:5060,192.0.2.10:5062,uk,sip:127.0.0.31:5060,"
                + "2025-03-01T10:00:00.123Z,2025-03-01T10:00:02.623Z,2025-03-01T10:01:03.623Z,"
                + "61000,2500,200,BYE caller,switch-1");
        assertThat(rows[2]).isEqualTo("c2,sip:1002@x,,,,,,2025-03-01T10:00:00.123Z,,2025-03-01T10:00:03.123Z,0,3000,487,CANCEL,");
    }

    @Test
    void quotes_and_defuses_caller_controlled_text() {
        Cdr evil = Cdr.builder().callId("=HYPERLINK(\"http://x\")").from("sip:a,b@x").startTime(CdrTest.T0)
                .endTime(CdrTest.T0).endReason(EndReason.CANCEL).build();
        String row = CdrCsv.row(evil);
        assertThat(row).startsWith("\"'=HYPERLINK(\"\"http://x\"\")\",\"sip:a,b@x\",");
    }

    @Test
    void a_line_that_is_not_a_cdr_fails_with_its_number() throws Exception {
        Path file = Files.writeString(dir.resolve("cdr.jsonl"), CdrJson.line(CdrTest.answered("c1")) + "\n{\"callId\":\n");
        assertThatThrownBy(() -> CdrCsv.export(file, new StringWriter()))
                .isInstanceOf(IOException.class).hasMessageContaining("line 2 is not a CDR");
    }
}
