package io.sipfleet.sip.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the bit-exact test messages from the classpath (never as text). */
public final class TestData {
    private TestData() {}

    public static byte[] bytes(String path) {
        try (InputStream in = TestData.class.getResourceAsStream("/testdata/" + path)) {
            if (in == null) throw new IllegalArgumentException("no test data " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
