package io.sipfleet.sip.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The torture corpora must be the bytes the RFCs published: a normalised line ending breaks the suite's meaning. */
class TestDataIntegrityTest {
    @ParameterizedTest
    @ValueSource(strings = {"rfc4475", "rfc4475/variants", "rfc5118", "rfc5118/rfc-archive"})
    void everyFileMatchesItsSha256(String dir) throws Exception {
        String sums = new String(TestData.bytes(dir + "/SHA256SUMS"), StandardCharsets.US_ASCII);
        int checked = 0;
        for (String line : sums.split("\n")) {
            if (line.isBlank()) continue;
            String[] parts = line.trim().split("\\s+\\*?", 2);
            byte[] data = TestData.bytes(dir + "/" + parts[1]);
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(actual).as(dir + "/" + parts[1]).isEqualTo(parts[0]);
            checked++;
        }
        assertThat(checked).isGreaterThan(0);
    }
}
