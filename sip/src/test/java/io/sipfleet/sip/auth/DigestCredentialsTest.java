package io.sipfleet.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestCredentialsTest {

    private static final String MD5_RESPONSE = "6629fae49393a05397450978507c4ef1";

    private static DigestParseException parseError(String value) {
        try {
            DigestCredentials.parse(value);
        } catch (DigestParseException e) {
            return e;
        }
        throw new AssertionError("parsed: " + value);
    }

    @Test
    void unknownSchemeIsRejectedByName() {
        assertThatThrownBy(() -> DigestCredentials.parse("NoOneKnowsThisScheme opaque-data=here"))
                .isInstanceOf(DigestParseException.class)
                .hasMessage("Authorization: scheme 'NoOneKnowsThisScheme' is not Digest");
        assertThatThrownBy(() -> DigestCredentials.parse("Proxy-Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="))
                .hasMessage("Proxy-Authorization: scheme 'Basic' is not Digest");
    }

    @Test
    void foldedAndWhitespaceHeavyHeaderParses() throws DigestParseException {
        String value = "  dIgEsT \t USERNAME = \"bob\" ,\r\n\t realm\r\n =\r\n  \"biloxi.com\"\t,"
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\" ,  uri = \"sip:bob@biloxi.com\",\r\n "
                + "Response=\"" + MD5_RESPONSE + "\" , Algorithm = md5 ,qop = auth , nc=0000000A,"
                + " cnonce=\"0a4f113b\", opaque=\"\", future-param=\"ignored\", x=y,";
        DigestCredentials c = DigestCredentials.parse(value);
        assertThat(c).isEqualTo(new DigestCredentials("bob", "biloxi.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "sip:bob@biloxi.com", MD5_RESPONSE, DigestAlgorithm.MD5, "0a4f113b", "", "auth", 10, false));
    }

    @Test
    void quotedStringsUnescapeAndFoldToOneSpace() throws DigestParseException {
        DigestCredentials c = DigestCredentials.parse("Digest username=\"a\\\"b\\\\c\", realm=\"two\r\n  words\","
                + " nonce=\"n,=x\", uri=\"sip:x\", response=\"" + MD5_RESPONSE + "\"");
        assertThat(c.username()).isEqualTo("a\"b\\c");
        assertThat(c.realm()).isEqualTo("two words");
        assertThat(c.nonce()).isEqualTo("n,=x");
        assertThat(c.qop()).isNull();
        assertThat(c.nc()).isZero();
        assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.MD5);
    }

    @Test
    void missingParametersAreNamed() {
        assertThat(parseError("Digest username=\"a\", realm=\"r\", uri=\"sip:x\", response=\"" + MD5_RESPONSE + "\""))
                .hasMessage("Authorization: missing 'nonce'");
        assertThat(parseError("Digest realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"" + MD5_RESPONSE + "\""))
                .hasMessage("Authorization: missing 'username'");
        assertThat(parseError("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\""
                + MD5_RESPONSE + "\", qop=auth, nc=00000001"))
                .hasMessage("Authorization: 'qop' requires 'cnonce'");
        assertThat(parseError("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\""
                + MD5_RESPONSE + "\", qop=auth, cnonce=\"c\""))
                .hasMessage("Authorization: 'qop' requires 'nc'");
        assertThat(parseError("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\""
                + MD5_RESPONSE + "\", algorithm=MD5-sess"))
                .hasMessage("Authorization: algorithm MD5-sess requires 'cnonce'");
    }

    @Test
    void syntaxErrorsArePrecise() {
        assertThat(parseError(null)).hasMessage("Authorization: empty header value");
        assertThat(parseError("   ")).hasMessage("Authorization: empty header value");
        assertThat(parseError("Digest")).hasMessage("Authorization: no parameters after 'Digest'");
        assertThat(parseError("Digest,username=\"a\"")).hasMessage(
                "Authorization: expected whitespace after 'Digest' at offset 6, found ','");
        assertThat(parseError("Digest username \"a\"")).hasMessage(
                "Authorization: expected '=' after parameter 'username' at offset 16, found '\"'");
        assertThat(parseError("Digest username=\"a")).hasMessage(
                "Authorization: unterminated quoted-string for parameter 'username' starting at offset 16");
        assertThat(parseError("Digest username=\"a\" realm=\"r\"")).hasMessage(
                "Authorization: expected ',' after parameter 'username' at offset 20, found 'r'");
        assertThat(parseError("Digest username=, realm=\"r\"")).hasMessage(
                "Authorization: expected value for parameter 'username' at offset 16, found ','");
        assertThat(parseError("Digest =\"a\"")).hasMessage(
                "Authorization: expected parameter name at offset 7, found '='");
        assertThat(parseError("Digest username=\"a\u0001\"")).hasMessage(
                "Authorization: control character U+0001 in quoted-string of parameter 'username' at offset 18");
        assertThat(parseError("Digest username=\"a\r\nb\"")).hasMessage(
                "Authorization: line break not followed by whitespace in quoted-string of parameter 'username'"
                        + " at offset 18");
        assertThat(parseError("Digest username=\"a\\\n\"")).hasMessage(
                "Authorization: escaped control character U+000A in quoted-string of parameter 'username'"
                        + " at offset 19");
        assertThat(parseError("Digest username=\"a\"\r\n, realm=\"r\"")).hasMessage(
                "Authorization: expected ',' after parameter 'username' at offset 19, found U+000D");
    }

    @Test
    void duplicatesAreRejectedEvenWithDifferentCase() {
        assertThat(parseError("Digest username=\"a\", nonce=\"1\", NONCE=\"2\""))
                .hasMessage("Authorization: duplicate parameter 'nonce'");
    }

    @Test
    void namesIgnoreCaseAndUnknownParametersAreSkippedButNotDuplicated() throws DigestParseException {
        DigestCredentials c = DigestCredentials.parse("Digest USERNAME=\"a\", Realm=\"r\", nOnCe=\"n\", URI=\"sip:x\","
                + " Response=\"0123456789abcdef0123456789abcdef\", foo=bar, domain=\"sip:x\"");
        assertThat(c.username()).isEqualTo("a");
        assertThat(c.realm()).isEqualTo("r");
        assertThat(c.nonce()).isEqualTo("n");
        assertThat(c.uri()).isEqualTo("sip:x");
        assertThat(parseError("Digest username=\"a\", foo=1, realm=\"r\", FOO=2"))
                .hasMessage("Authorization: duplicate parameter 'foo'");
    }

    @Test
    void valueChecks() {
        String base = "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", ";
        assertThat(parseError(base + "response=\"" + MD5_RESPONSE + "\", qop=auth, cnonce=\"c\", nc=1"))
                .hasMessage("Authorization: 'nc' must be 8 hex digits, got '1'");
        assertThat(parseError(base + "response=\"" + MD5_RESPONSE + "\", qop=auth, cnonce=\"c\", nc=0000000g"))
                .hasMessage("Authorization: 'nc' must be 8 hex digits, got '0000000g'");
        assertThat(parseError(base + "response=\"" + MD5_RESPONSE + "\", qop=auth, cnonce=\"c\", nc=00000000"))
                .hasMessage("Authorization: 'nc' must be at least 00000001");
        assertThat(parseError(base + "response=\"" + MD5_RESPONSE + "\", algorithm=SHA-512-256"))
                .hasMessage("Authorization: unsupported algorithm 'SHA-512-256'");
        assertThat(parseError(base + "response=\"" + MD5_RESPONSE + "\", algorithm=SHA-256"))
                .hasMessage("Authorization: 'response' must be 64 hex digits for SHA-256, got '" + MD5_RESPONSE + "'");
        assertThat(parseError(base + "response=\"" + MD5_RESPONSE + "\", userhash=maybe"))
                .hasMessage("Authorization: 'userhash' must be true or false, got 'maybe'");
    }

    @Test
    void extendedUsernameIsDecoded() throws DigestParseException {
        String tail = ", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"" + MD5_RESPONSE + "\"";
        DigestCredentials c = DigestCredentials.parse("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe" + tail);
        assertThat(c.username()).isEqualTo("J\u00e4s\u00f8n Doe");
        assertThat(parseError("Digest username=\"a\", username*=UTF-8''a" + tail))
                .hasMessage("Authorization: both 'username' and 'username*' present");
        assertThat(parseError("Digest username*=UTF-8''a%0D%0AVia%3Ax" + tail))
                .hasMessage("Authorization: 'username*' decodes to a control character");
        assertThat(parseError("Digest username*=ISO-8859-1''a" + tail))
                .hasMessage("Authorization: 'username*' must be UTF-8''<percent-encoded>, got 'ISO-8859-1''a'");
    }

    @Test
    void headerValueRoundTrips() throws DigestParseException {
        DigestCredentials c = new DigestCredentials("we\"ird\\", "r", "n", "sip:x", MD5_RESPONSE,
                DigestAlgorithm.MD5_SESS, "c", "o", "auth", 0x1f, true);
        assertThat(c.toHeaderValue()).isEqualTo("Digest username=\"we\\\"ird\\\\\", realm=\"r\", nonce=\"n\","
                + " uri=\"sip:x\", response=\"" + MD5_RESPONSE + "\", algorithm=MD5-sess, cnonce=\"c\","
                + " opaque=\"o\", qop=auth, nc=0000001f, userhash=true");
        assertThat(DigestCredentials.parse(c.toHeaderValue())).isEqualTo(c);
    }

    @Test
    void headerInjectionIsRefused() {
        DigestCredentials c = new DigestCredentials("a\r\nVia: evil", "r", "n", "sip:x", MD5_RESPONSE,
                DigestAlgorithm.MD5, null, null, null, 0, false);
        assertThatThrownBy(c::toHeaderValue).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("control character U+000D cannot appear in a quoted-string");
    }
}
