package io.sipfleet.app.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The operator token in a file readable by its owner only; a random one is written on first start. */
final class OperatorTokenFile {

    private OperatorTokenFile() {
    }

    static String readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                byte[] b = new byte[32];
                new SecureRandom().nextBytes(b);
                Files.writeString(file, "sfo_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b) + "\n",
                        StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // the folder's ACL applies
                }
            }
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (token.length() < 20) {
                throw new IllegalStateException("operator token in " + file.toAbsolutePath() + " is shorter than 20 characters");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the operator token " + file.toAbsolutePath(), e);
        }
    }
}
