package io.sipfleet.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The nonce's wire layout is shared by every node of a cluster, whatever version each runs. */
class NonceCodecTest {
    private final byte[] secret = new byte[32];
    { Arrays.fill(secret, (byte) 3); }

    @Test void aNonceIsItsTimeSaltAndCounterBigEndianThenItsMac() {
        NonceCodec codec = new NonceCodec(secret, "sipfleet.local", new SecureRandom());
        long t = 1_765_000_123_456L;
        String first = codec.mint(t), second = codec.mint(t);
        assertThat(first).hasSize(NonceCodec.ENCODED_LENGTH);
        ByteBuffer a = ByteBuffer.wrap(Base64.getUrlDecoder().decode(first));
        ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(second));
        assertThat(a.getLong(0)).isEqualTo(t).isEqualTo(b.getLong(0));
        assertThat(a.getInt(8)).as("one salt per codec").isEqualTo(b.getInt(8));
        assertThat(b.getLong(12) - a.getLong(12)).as("the counter, one up").isEqualTo(1);
        assertThat(codec.issuedAt(first)).isEqualTo(t);
    }

    /** Written as a ByteBuffer writes it (the layout before the VarHandles): still ours, same time. */
    @Test void aNonceLaidOutByTheByteBufferWayIsAccepted() throws Exception {
        NonceCodec codec = new NonceCodec(secret, "sipfleet.local", new SecureRandom());
        byte[] raw = Base64.getUrlDecoder().decode(codec.mint(42L));
        byte[] rebuilt = new byte[raw.length];
        ByteBuffer.wrap(rebuilt).putLong(42L).putInt(ByteBuffer.wrap(raw).getInt(8)).putLong(ByteBuffer.wrap(raw).getLong(12))
                .put(raw, 20, raw.length - 20);
        assertThat(codec.issuedAt(Base64.getUrlEncoder().withoutPadding().encodeToString(rebuilt))).isEqualTo(42L);
        rebuilt[0] ^= 1; // another time under the same MAC: forged
        assertThat(codec.issuedAt(Base64.getUrlEncoder().withoutPadding().encodeToString(rebuilt))).isEqualTo(-1);
    }
}
