package io.sipfleet.sip.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The same property as {@link ParserFuzzTest}, for long runs (up to 24 h; stop it any time with
 * Ctrl-C): {@code ./sipfleet test -pl sip -Dtest=ParserLongFuzzTest -Dsipfleet.fuzz.long=true}.
 * Findings land in src/test/resources/.../ParserLongFuzzTestInputs and then run in every build.
 */
@EnabledIfSystemProperty(named = "sipfleet.fuzz.long", matches = "true")
class ParserLongFuzzTest {
    private final ParserFuzzTest property = new ParserFuzzTest();

    @FuzzTest(maxDuration = "24h")
    void parseNeverThrowsAnythingElse(byte[] input) {
        property.parseNeverThrowsAnythingElse(input);
    }
}
