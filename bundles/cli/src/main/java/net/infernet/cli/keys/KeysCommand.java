package net.infernet.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.core.http.HttpClients;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.crypto.Ecdsa;
import net.infernet.protocol.hierarchy.KeyHierarchy;
import net.infernet.protocol.hierarchy.Rotation;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;

/**
 * {@code infernet keys list | export node|model <model> --format hex|npub | verify <cpr-file-or-id> | rotate |
 * generate-platform} (book chapter 5). Works on the key files under the data directory; only {@code verify <id>}
 * talks to the control plane.
 */
public final class KeysCommand implements Command {
    private static final DateTimeFormatter FILE_TS = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    public KeysCommand() {
        this(Clock.systemUTC());
    }

    public KeysCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "keys";
    }

    @Override
    public String summary() {
        return "list, export, verify (CPRs), rotate keys; generate-platform";
    }

    @Override
    public int run(List<String> args, Cli cli) throws Exception {
        if (args.isEmpty()) {
            return usage(cli);
        }
        try {
            return switch (args.get(0)) {
                case "list" -> list(cli);
                case "export" -> export(args.subList(1, args.size()), cli);
                case "verify" -> verify(args.subList(1, args.size()), cli);
                case "rotate" -> rotate(cli);
                case "generate-platform" -> generatePlatform(args.subList(1, args.size()), cli);
                default -> usage(cli);
            };
        } catch (InfernetException e) {
            cli.err().println("infernet keys: " + e.getMessage());
            return Cli.FAILED;
        }
    }

    private static int usage(Cli cli) {
        cli.err().println("usage: infernet keys list");
        cli.err().println("       infernet keys export node [--format hex|npub]");
        cli.err().println("       infernet keys export model <model> [--format hex|npub]");
        cli.err().println("       infernet keys verify <cpr-file-or-id> [--platform 0x…] [--chain-id N --contract 0x…]");
        cli.err().println("       infernet keys rotate");
        cli.err().println("       infernet keys generate-platform [--write]");
        return Cli.USAGE;
    }

    private int list(Cli cli) throws IOException {
        Path dataDir = cli.dataDir();
        cli.out().println("User key:  (not on this machine — delegation only)");
        Path node = KeyLayout.nodeKey(dataDir);
        if (Files.exists(node)) {
            cli.out().println("Node key:  " + KeyFiles.load(node).npub() + " (" + node + ")");
        } else {
            cli.out().println("Node key:  none (run 'infernet init')");
        }
        cli.out().println("Model keys:");
        Path models = KeyLayout.modelsDir(dataDir);
        if (!Files.isDirectory(models)) {
            cli.out().println("  none");
            return Cli.OK;
        }
        try (Stream<Path> files = Files.list(models)) {
            List<Path> keys = files.filter(p -> p.getFileName().toString().endsWith(".key")).sorted().toList();
            if (keys.isEmpty()) {
                cli.out().println("  none");
            }
            for (Path k : keys) {
                String file = k.getFileName().toString();
                String model = file.substring(0, file.length() - ".key".length());
                cli.out().printf("  %-24s %s (%s)%n", model, KeyFiles.load(k).npub(), k);
            }
        }
        return Cli.OK;
    }

    private int export(List<String> args, Cli cli) {
        if (args.isEmpty()) {
            return usage(cli);
        }
        String format = option(args, "--format").orElse("hex");
        if (!format.equals("hex") && !format.equals("npub")) {
            cli.err().println("infernet keys export: --format must be hex or npub");
            return Cli.USAGE;
        }
        Path file;
        if (args.get(0).equals("node")) {
            file = KeyLayout.nodeKey(cli.dataDir());
        } else if (args.get(0).equals("model") && args.size() >= 2 && !args.get(1).startsWith("--")) {
            file = KeyLayout.modelKey(cli.dataDir(), args.get(1));
        } else {
            return usage(cli);
        }
        if (!Files.exists(file)) {
            cli.err().println("infernet keys export: no key at " + file
                    + (args.get(0).equals("node") ? " (run 'infernet init')" : " (the node creates a model's key when it installs the model)"));
            return Cli.FAILED;
        }
        NodeKey key = KeyFiles.load(file);
        cli.out().println(format.equals("npub") ? key.npub() : key.publicKeyHex());
        return Cli.OK;
    }

    private int verify(List<String> args, Cli cli) throws Exception {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            return usage(cli);
        }
        String target = args.get(0);
        ReceiptDomain domain = domain(args, cli);
        Optional<String> platform = option(args, "--platform");
        Path file = Path.of(target);
        String json;
        if (Files.isRegularFile(file)) {
            json = Files.readString(file, StandardCharsets.UTF_8).strip();
        } else if (target.matches("[A-Za-z0-9_-]{1,128}")) {
            Optional<String> fetched = fetch(target, cli);
            if (fetched.isEmpty()) {
                return Cli.UNREACHABLE;
            }
            json = fetched.get();
        } else {
            cli.err().println("infernet keys verify: no such file: " + target);
            return Cli.FAILED;
        }
        Receipt receipt = Receipts.parseJson(json);
        cli.out().println("Receipt:   " + receipt.jobId() + " (" + receipt.model() + ", " + receipt.outputTokens()
                + " output tokens, " + Receipts.amount(receipt.valueUsdc()) + " USDC on " + receipt.chain() + ")");
        String nodeAddress;
        try {
            nodeAddress = Receipts.nodeAddressOf(receipt, domain);
        } catch (InfernetException e) {
            cli.out().println("Node signature:     INVALID (" + e.getMessage() + ")");
            return Cli.FAILED;
        }
        cli.out().println("Node signature:     valid (node " + receipt.nodePubkey() + ", address " + nodeAddress + ")");
        if (receipt.platformSignature().isEmpty()) {
            cli.out().println("Platform signature: missing (not countersigned yet)");
            return Cli.FAILED;
        }
        Optional<String> signer = Ecdsa.recoverAddress(Receipts.digest(receipt, nodeAddress, domain),
                Ecdsa.Signature.fromHex(receipt.platformSignature().get()));
        if (signer.isEmpty()) {
            cli.out().println("Platform signature: INVALID");
            return Cli.FAILED;
        }
        if (platform.isPresent()) {
            try {
                Receipts.verify(receipt, domain, platform.get());
            } catch (InfernetException e) {
                cli.out().println("Platform signature: INVALID (signed by " + signer.get() + ", expected "
                        + Ecdsa.checksumAddress(platform.get()) + ")");
                return Cli.FAILED;
            }
            cli.out().println("Platform signature: valid (platform " + signer.get() + ")");
        } else {
            cli.out().println("Platform signature: signed by " + signer.get()
                    + " (pass --platform 0x… to check it is the control plane's key)");
        }
        return Cli.OK;
    }

    /** Fetches a CPR by id from the control plane; empty (after saying why) when it cannot be reached. */
    private Optional<String> fetch(String id, Cli cli) throws Exception {
        String base = controlPlaneUrl(cli);
        String path = "/api/v1/cprs/" + id;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .GET();
        Path nodeKey = KeyLayout.nodeKey(cli.dataDir());
        if (Files.exists(nodeKey)) {
            request.header(RequestSigner.HEADER, new RequestSigner(KeyFiles.load(nodeKey), clock).sign("GET", path, null));
        }
        HttpResponse<String> response;
        try {
            response = HttpClients.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            cli.err().println("infernet keys verify: the control plane at " + base + " is unreachable ("
                    + e.getClass().getSimpleName() + "); verify a saved receipt file instead: infernet keys verify <file>");
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            cli.err().println("infernet keys verify: control plane answered HTTP " + response.statusCode() + " for "
                    + id + ": " + abbreviate(response.body()));
            throw new InfernetException(net.infernet.core.api.ErrorCode.NOT_FOUND, "receipt " + id + " not available");
        }
        JsonNode body = mapper.readTree(response.body());
        JsonNode receipt = body.has("receipt") ? body.get("receipt") : body;
        if (receipt.isObject()) {
            // the control plane may decorate the receipt with id/status fields; keep the signed ones only
            ((ObjectNode) receipt).retain("chain", "client_pubkey", "completed_at", "input_tokens", "job_id", "model",
                    "node_pubkey", "node_signature", "output_tokens", "platform_signature", "serial", "value_usdc");
        }
        return Optional.of(mapper.writeValueAsString(receipt));
    }

    private int rotate(Cli cli) throws IOException {
        Path nodeFile = KeyLayout.nodeKey(cli.dataDir());
        if (!Files.exists(nodeFile)) {
            cli.err().println("infernet keys rotate: no node key at " + nodeFile + " (run 'infernet init')");
            return Cli.FAILED;
        }
        NodeKey old = KeyFiles.load(nodeFile);
        NodeKey next = NodeKey.generate(new SecureRandom());
        Instant now = clock.instant();
        Rotation rotation = KeyHierarchy.rotate(old, next, now);
        String ts = FILE_TS.format(now);
        Path rotationFile = KeyLayout.keysDir(cli.dataDir()).resolve("rotation-" + ts + ".json");
        Path oldFile = nodeFile.resolveSibling("node.key.old-" + ts);
        if (Files.exists(rotationFile) || Files.exists(oldFile)) {
            cli.err().println("infernet keys rotate: a rotation at " + ts + " already exists; try again in a second");
            return Cli.FAILED;
        }
        // order matters for a crash: hand-over first, then keep the old key, then atomically replace node.key
        Files.writeString(rotationFile, KeyHierarchy.toJson(rotation) + "\n", StandardCharsets.UTF_8);
        Files.copy(nodeFile, oldFile, StandardCopyOption.COPY_ATTRIBUTES);
        KeyFiles.write(nodeFile, next);
        cli.out().println("Old node key: " + old.npub() + " (kept as " + oldFile + ")");
        cli.out().println("New node key: " + next.npub() + " (" + nodeFile + ")");
        cli.out().println("Hand-over:    " + rotationFile + " (signed by the old key)");
        cli.out().println("Receipts signed by the old key stay redeemable until " + rotation.graceUntil()
                + "; the node registers the new key with the control plane when it next starts.");
        return Cli.OK;
    }

    private int generatePlatform(List<String> args, Cli cli) {
        NodeKey key = NodeKey.generate(new SecureRandom());
        if (args.contains("--write")) {
            Path file = KeyLayout.platformKey(cli.dataDir());
            if (Files.exists(file)) {
                cli.err().println("infernet keys generate-platform: " + file + " already exists; not overwriting it");
                return Cli.FAILED;
            }
            KeyFiles.write(file, key);
            cli.out().println("Written to:          " + file);
        } else {
            cli.out().println("Private key (hex):   " + key.privateKeyHex());
            cli.out().println("  set PLATFORM_SIGNING_KEY to it, or keep it in " + KeyLayout.platformKey(cli.dataDir()));
        }
        cli.out().println("Public key (hex):    " + key.publicKeyHex());
        cli.out().println("Public key (npub):   " + key.npub());
        cli.out().println("Platform address:    " + key.ethereumAddress() + " (the payment contract's platform signer)");
        return Cli.OK;
    }

    private ReceiptDomain domain(List<String> args, Cli cli) {
        Optional<String> chainId = option(args, "--chain-id").or(() -> env(cli, "INFERNET_RECEIPT_CHAIN_ID"));
        Optional<String> contract = option(args, "--contract").or(() -> env(cli, "INFERNET_RECEIPT_CONTRACT"));
        if (chainId.isEmpty() && contract.isEmpty()) {
            return ReceiptDomain.NONE;
        }
        return new ReceiptDomain(Long.parseLong(chainId.orElse("0")),
                contract.orElse(ReceiptDomain.NONE.verifyingContract()));
    }

    private String controlPlaneUrl(Cli cli) throws IOException {
        Optional<String> env = env(cli, "INFERNET_CONTROL_PLANE_URL");
        if (env.isPresent()) {
            return strip(env.get());
        }
        Path config = cli.configDir().resolve("config.json");
        if (Files.exists(config)) {
            JsonNode url = mapper.readTree(config.toFile()).path("controlPlane").path("url");
            if (url.isTextual() && !url.asText().isBlank()) {
                return strip(url.asText());
            }
        }
        return "http://127.0.0.1:3000";
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Optional<String> env(Cli cli, String name) {
        return Optional.ofNullable(cli.env().get(name)).filter(s -> !s.isBlank());
    }

    private static Optional<String> option(List<String> args, String name) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
