package io.sipfleet.sip.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;

/**
 * Coverage-guided fuzzing of the parser (Jazzer). The property: any input either parses, and
 * then serializes to bytes that parse to an equal message, or fails with SipParseException.
 * Any other exception, or a hang, is a bug. Seeds: the RFC 4475/5118 corpora (see
 * ParserFuzzTestInputs). In the normal suite it fuzzes for a few seconds (JAZZER_FUZZ=1 set by
 * surefire); for a long run: see README "Fuzzing".
 */
class ParserFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parseNeverThrowsAnythingElse(byte[] input) {
        SipMessage m;
        try {
            m = SipParser.parse(input);
        } catch (SipParseException expected) {
            return;
        }
        SipMessage again;
        try {
            again = SipParser.parse(m.toBytes());
        } catch (SipParseException e) {
            throw new AssertionError("serialized message no longer parses: " + e.getMessage(), e);
        }
        if (!again.equals(m)) throw new AssertionError("round trip changed the message");
    }
}
