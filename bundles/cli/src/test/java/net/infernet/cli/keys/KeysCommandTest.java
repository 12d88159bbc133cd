package net.infernet.cli.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import net.infernet.cli.Cli;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.hierarchy.KeyHierarchy;
import net.infernet.protocol.hierarchy.Rotation;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {
    private static final Instant NOW = Instant.parse("2026-04-30T14:23:43Z");

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();

    private int run(String... args) throws Exception {
        out.reset();
        err.reset();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, dataDir, dataDir.resolve("config"));
        List<String> words = List.of(args);
        if (words.get(0).equals("init")) {
            return new InitCommand().run(words.subList(1, words.size()), cli);
        }
        return new KeysCommand(Clock.fixed(NOW, ZoneOffset.UTC)).run(words.subList(1, words.size()), cli);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void initCreatesTheNodeKeyOnceAndExportShowsIt() throws Exception {
        assertEquals(Cli.OK, run("init"));
        assertTrue(out().contains("Node key created: npub1"), out());
        Path file = KeyLayout.nodeKey(dataDir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        NodeKey key = KeyFiles.load(file);
        assertEquals(Cli.OK, run("init"));
        assertTrue(out().contains("Node key exists:  " + key.npub()));
        assertEquals(key, KeyFiles.load(file));

        assertEquals(Cli.OK, run("keys", "export", "node", "--format", "hex"));
        assertEquals(key.publicKeyHex() + "\n", out());
        assertEquals(Cli.OK, run("keys", "export", "node", "--format", "npub"));
        assertEquals(key.npub() + "\n", out());
        assertEquals(Cli.USAGE, run("keys", "export", "node", "--format", "pem"));
    }

    @Test
    void listShowsNodeAndModelKeys() throws Exception {
        assertEquals(Cli.OK, run("keys", "list"));
        assertTrue(out().contains("Node key:  none"), out());
        run("init");
        NodeKey qwen = NodeKey.generate(new SecureRandom());
        KeyFiles.write(KeyLayout.modelKey(dataDir, "qwen2.5:14b"), qwen);
        assertEquals(Cli.OK, run("keys", "list"));
        assertTrue(out().contains("User key:  (not on this machine — delegation only)"), out());
        assertTrue(out().contains("Node key:  " + KeyFiles.load(KeyLayout.nodeKey(dataDir)).npub()), out());
        assertTrue(out().contains("qwen2.5:14b"), out());
        assertTrue(out().contains(qwen.npub()), out());

        assertEquals(Cli.OK, run("keys", "export", "model", "qwen2.5:14b", "--format", "hex"));
        assertEquals(qwen.publicKeyHex() + "\n", out());
        assertEquals(Cli.FAILED, run("keys", "export", "model", "llama3.2:3b", "--format", "npub"));
        assertTrue(err().contains("no key at"), err());
    }

    @Test
    void unsafeKeyFileIsReportedWithTheChmodHint() throws Exception {
        run("init");
        Path file = KeyLayout.nodeKey(dataDir);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Cli.FAILED, run("keys", "export", "node"));
        assertTrue(err().contains("is readable by other users (mode 0644); run chmod 600 " + file), err());
    }

    @Test
    void rotateWritesASignedHandOverAndKeepsTheOldKey() throws Exception {
        run("init");
        NodeKey old = KeyFiles.load(KeyLayout.nodeKey(dataDir));
        assertEquals(Cli.OK, run("keys", "rotate"));
        NodeKey next = KeyFiles.load(KeyLayout.nodeKey(dataDir));
        assertNotEquals(old, next);
        Path keys = KeyLayout.keysDir(dataDir);
        assertEquals(old, KeyFiles.load(keys.resolve("node.key.old-20260430T142343Z")));
        Rotation r = KeyHierarchy.rotationFromJson(Files.readString(keys.resolve("rotation-20260430T142343Z.json")));
        KeyHierarchy.verify(r);
        assertEquals(old.publicKeyHex(), r.oldPubkey());
        assertEquals(next.publicKeyHex(), r.newPubkey());
        assertTrue(KeyHierarchy.receiptSignerAccepted(old.publicKeyHex(), next.publicKeyHex(), Optional.of(r),
                NOW.plusSeconds(3600)));
        assertTrue(out().contains("2026-05-01T14:23:43Z"), out());
        try (Stream<Path> files = Files.list(keys)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".tmp")));
        }
        // a second rotation in the same second would overwrite the hand-over: refused
        assertEquals(Cli.FAILED, run("keys", "rotate"));
    }

    @Test
    void generatePlatformPrintsAKeyPairOrWritesIt() throws Exception {
        assertEquals(Cli.OK, run("keys", "generate-platform"));
        String hex = out().lines().filter(l -> l.startsWith("Private key (hex):")).findFirst().orElseThrow()
                .replace("Private key (hex):", "").strip();
        NodeKey k = NodeKey.fromHex(hex);
        assertTrue(out().contains(k.ethereumAddress()), out());
        assertTrue(out().contains(k.npub()), out());
        assertEquals(Cli.OK, run("keys", "generate-platform", "--write"));
        Path file = KeyLayout.platformKey(dataDir);
        NodeKey written = KeyFiles.load(file);
        assertTrue(out().contains(written.ethereumAddress()));
        assertFalse(out().contains(written.privateKeyHex()), "--write does not print the secret");
        assertEquals(Cli.FAILED, run("keys", "generate-platform", "--write"));
        assertEquals(written, KeyFiles.load(file));
    }

    @Test
    void verifyChecksAReceiptFileOffline() throws Exception {
        NodeKey node = NodeKey.generate(new SecureRandom());
        NodeKey platform = NodeKey.generate(new SecureRandom());
        Receipt signed = Receipts.countersign(Receipts.signAsNode(receipt(node), node, ReceiptDomain.NONE), platform,
                ReceiptDomain.NONE);
        Path file = dataDir.resolve("cpr.json");
        Files.writeString(file, Receipts.canonicalJson(signed));
        assertEquals(Cli.OK, run("keys", "verify", file.toString(), "--platform", platform.ethereumAddress()));
        assertTrue(out().contains("Node signature:     valid"), out());
        assertTrue(out().contains("Platform signature: valid (platform " + platform.ethereumAddress()), out());
        assertEquals(Cli.OK, run("keys", "verify", file.toString()));
        assertTrue(out().contains("signed by " + platform.ethereumAddress()), out());

        assertEquals(Cli.FAILED, run("keys", "verify", file.toString(), "--platform", node.ethereumAddress()));
        assertTrue(out().contains("Platform signature: INVALID"), out());

        Files.writeString(file, Receipts.canonicalJson(signed).replace("\"output_tokens\":312", "\"output_tokens\":313"));
        assertEquals(Cli.FAILED, run("keys", "verify", file.toString()));
        assertTrue(out().contains("Node signature:     INVALID"), out());

        // signed for a chain: needs the same domain
        ReceiptDomain base = new ReceiptDomain(8453, "0x742d35Cc6634C0532925a3b8D4C9C3EB4a1B2c3d");
        Receipt onBase = Receipts.countersign(Receipts.signAsNode(receipt(node), node, base), platform, base);
        Files.writeString(file, Receipts.canonicalJson(onBase));
        assertEquals(Cli.FAILED, run("keys", "verify", file.toString()));
        assertEquals(Cli.OK, run("keys", "verify", file.toString(), "--chain-id", "8453", "--contract",
                base.verifyingContract(), "--platform", platform.ethereumAddress()));

        Files.writeString(file, "{\"job_id\": 1}");
        assertEquals(Cli.FAILED, run("keys", "verify", file.toString()));
        assertTrue(err().contains("must be a string"), err());
    }

    @Test
    void verifyByIdFetchesFromTheControlPlane() throws Exception {
        run("init");
        NodeKey node = NodeKey.generate(new SecureRandom());
        NodeKey platform = NodeKey.generate(new SecureRandom());
        Receipt signed = Receipts.countersign(Receipts.signAsNode(receipt(node), node, ReceiptDomain.NONE), platform,
                ReceiptDomain.NONE);
        String body = Receipts.canonicalJson(signed).replace("{\"chain\"", "{\"id\":\"cpr_7x2a1b3c\",\"status\":\"pending\",\"chain\"");
        AtomicReference<String> auth = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/cprs/", exchange -> {
            auth.set(exchange.getRequestHeaders().getFirst("X-Infernet-Auth"));
            boolean known = exchange.getRequestURI().getPath().endsWith("/cpr_7x2a1b3c");
            byte[] b = (known ? body : "{\"error\":\"not_found\",\"error_message\":\"no such receipt\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(known ? 200 : 404, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        server.start();
        try {
            env.put("INFERNET_CONTROL_PLANE_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/");
            assertEquals(Cli.OK, run("keys", "verify", "cpr_7x2a1b3c", "--platform", platform.ethereumAddress()));
            assertTrue(out().contains("Platform signature: valid"), out());
            assertTrue(auth.get().startsWith("v1."), "request is signed with the node key");
            assertEquals(Cli.FAILED, run("keys", "verify", "cpr_unknown"));
            assertTrue(err().contains("HTTP 404"), err());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void verifyByIdSaysWhenTheControlPlaneIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        env.put("INFERNET_CONTROL_PLANE_URL", "http://127.0.0.1:" + port);
        assertEquals(Cli.UNREACHABLE, run("keys", "verify", "cpr_7x2a1b3c"));
        assertTrue(err().contains("control plane at http://127.0.0.1:" + port + " is unreachable"), err());
        assertTrue(err().contains("infernet keys verify <file>"), err());
    }

    @Test
    void usageErrors() throws Exception {
        assertEquals(Cli.USAGE, run("keys"));
        assertEquals(Cli.USAGE, run("keys", "frobnicate"));
        assertEquals(Cli.USAGE, run("keys", "export"));
        assertEquals(Cli.FAILED, run("keys", "verify", "/no/such/file.json"));
        assertTrue(err().contains("no such file"), err());
        assertEquals(Cli.FAILED, run("keys", "rotate"));
        assertTrue(err().contains("run 'infernet init'"), err());
    }

    private static Receipt receipt(NodeKey node) {
        return new Receipt("job_9a3f2c1d", node.publicKeyHex(), "client_acct_42", "qwen2.5:14b", 24, 312, NOW,
                new BigDecimal("0.00156"), "none", 1, Optional.empty(), Optional.empty());
    }
}
