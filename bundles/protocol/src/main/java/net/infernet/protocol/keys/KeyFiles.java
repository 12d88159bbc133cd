package net.infernet.protocol.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/**
 * Key files: the 64-hex private key and a newline, mode 0600, written atomically (temporary file in the same folder,
 * then rename) so a crash never leaves half a key. Loading refuses a file that group or others may read or write,
 * like ssh does, because a readable node key lets anyone impersonate the node and claim its earnings.
 */
public final class KeyFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_DIR = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private KeyFiles() {
    }

    /** Loads the key, or generates one and writes it when the file does not exist. */
    public static NodeKey loadOrCreate(Path file) {
        if (Files.exists(file)) {
            return load(file);
        }
        NodeKey key = NodeKey.generate(new SecureRandom());
        write(file, key);
        return key;
    }

    /** Loads a key file; {@link InfernetException} (bad_request) when it is missing, unsafe or malformed. */
    public static NodeKey load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "key file " + file + " does not exist");
        }
        checkPermissions(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "key file " + file + " cannot be read: " + e.getMessage(),
                    e);
        }
        try {
            return NodeKey.fromHex(text);
        } catch (IllegalArgumentException e) {
            // the message never echoes the file content: it may be a secret in the wrong format
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "key file " + file + " does not hold a 64-hex secp256k1 private key", e);
        }
    }

    /** Writes the key atomically with mode 0600, creating the folders (0700) as needed; replaces an existing file. */
    public static void write(Path file, NodeKey key) {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = Files.getFileAttributeView(dir.getRoot(), PosixFileAttributeView.class) != null;
        try {
            createDirs(dir, posix);
            Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + Long.toHexString(System.nanoTime()));
            if (posix) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(tmp);
            }
            try {
                Files.write(tmp, (key.privateKeyHex() + "\n").getBytes(StandardCharsets.US_ASCII),
                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key file " + file, e);
        }
    }

    private static void createDirs(Path dir, boolean posix) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirs(dir.getParent(), posix);
        try {
            if (posix) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException raced) {
            // another process created it: fine
        }
    }

    private static void checkPermissions(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return; // no POSIX permissions on this file system (Windows): nothing to check
        }
        Set<PosixFilePermission> perms;
        try {
            perms = view.readAttributes().permissions();
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "key file " + file + " cannot be read: " + e.getMessage(),
                    e);
        }
        EnumSet<PosixFilePermission> others = EnumSet.copyOf(perms);
        others.removeAll(OWNER_DIR);
        if (!others.isEmpty()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "key file " + file + " is readable by other users (mode "
                    + mode(perms) + "); run chmod 600 " + file);
        }
    }

    /** Octal mode like {@code 0644}. */
    static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("0%03o", m);
    }
}
