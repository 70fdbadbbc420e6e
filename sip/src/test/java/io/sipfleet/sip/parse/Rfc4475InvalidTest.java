package io.sipfleet.sip.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 4475 section 3.1.2 and the malformed cases of 3.3: each is rejected with the status the RFC
 * asks for (0 = drop, for responses) and a reason that names the problem. MAY-REJECT cases are
 * rejected here: a carrier edge is better strict than guessing (the RFC allows either).
 */
class Rfc4475InvalidTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            badinv01.dat            | 400 | Bad Via: expected parameter name after ';'
            clerr.dat               | 400 | Content-Length 9999 exceeds the 154 body bytes received
            ncl.dat                 | 400 | Bad Content-Length: '-999' is not a non-negative number
            scalar02.dat            | 400 | Bad CSeq: CSeq sequence number above 4294967295
            scalarlg.dat            | 0   | Bad CSeq: CSeq sequence number above 4294967295
            quotbal.dat             | 400 | Bad To: unterminated quoted string in display name
            ltgtruri.dat            | 400 | Request-URI must not be enclosed in < >
            lwsruri.dat             | 400 | Request-URI contains white space
            lwsstart.dat            | 400 | More than one SP between method and Request-URI
            trws.dat                | 400 | White space after the SIP version in the request line
            escruri.dat             | 400 | Request-URI must not contain headers ('?')
            regbadct.dat            | 400 | Bad Contact: a URI with headers must be enclosed in < >
            badaspec.dat            | 400 | Bad To: white space inside < >
            baddn.dat               | 400 | Header section not terminated by an empty line
            variants/baddn.terminated.dat | 400 | Bad From: display name with characters other than tokens must be quoted
            badvers.dat             | 505 | SIP version 7.0 not supported
            mismatch01.dat          | 400 | CSeq method INVITE does not match request method OPTIONS
            mismatch02.dat          | 501 | CSeq method INVITE does not match request method NEWMETHOD
            bigcode.dat             | 0   | Status code is not three digits
            insuf.dat               | 400 | Missing
            multi01.dat             | 400 | More than one
            mcl01.dat               | 400 | More than one Content-Length header
            test.dat                | 400 | Header line without ':'
            """)
    void rejected(String file, int status, String reason) {
        SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> SipParser.parse(TestData.bytes("rfc4475/" + file)));
        assertThat(e).as(file + " must be rejected").isNotNull();
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.reason()).startsWith(reason);
        if (status != 0) {
            // A request the server answers: framed far enough to copy Via/From/To/Call-ID/CSeq.
            assertThat(e.framed()).isNotNull();
        }
    }
}
