package net.infernet.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;

/**
 * Reads and writes the book-format {@code config.json}. Writing keeps every field this class does not know (the
 * operator's own {@code vllm_host}, {@code auto_payout*}...) and drops a legacy {@code node.privateKey}: the key
 * belongs in the key file. Files are written atomically with mode 0600.
 */
public final class ConfigFile {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigFile() {
    }

    /** {@code <configDir>/config.json}. */
    public static Path in(Path configDir) {
        return configDir.resolve("config.json");
    }

    public static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    /** Reads the file; a missing or malformed file is a {@code bad_request} naming the file. */
    public static NodeConfig read(Path file) {
        JsonNode root = tree(file).orElseThrow(() -> new InfernetException(ErrorCode.BAD_REQUEST,
                "no config at " + file + "; run 'infernet setup' first"));
        JsonNode node = root.path("node");
        JsonNode engine = root.path("engine");
        List<String> served = new ArrayList<>();
        root.path("served_models").forEach(m -> served.add(m.asText()));
        return new NodeConfig(
                text(root.path("controlPlane").path("url")).orElse(NodeConfig.DEFAULT_CONTROL_PLANE),
                text(node.path("id")),
                text(node.path("name")).orElse(""),
                text(node.path("publicKey")).orElse(""),
                text(node.path("address")).orElse("127.0.0.1"),
                node.path("port").asInt(NodeConfig.DEFAULT_PORT),
                text(engine.path("backend")).orElse(""),
                text(engine.path("ollamaHost")).or(() -> text(engine.path("host"))).orElse(""),
                text(engine.path("model")).orElse(""),
                served,
                text(root.path("backend")),
                text(root.path("payout_chain")),
                text(root.path("payout_address")),
                text(root.path("vram_tier")).orElse("cpu"),
                text(root.path("bearer_token")));
    }

    /** Writes {@code config} over the file, keeping unknown fields, mode 0600, atomically. */
    public static void write(Path file, NodeConfig c) {
        ObjectNode root = tree(file).filter(JsonNode::isObject).map(ObjectNode.class::cast)
                .orElseGet(MAPPER::createObjectNode);
        root.withObject("/controlPlane").put("url", c.controlPlaneUrl());
        ObjectNode node = root.withObject("/node");
        node.remove("privateKey");
        c.nodeId().ifPresentOrElse(id -> node.put("id", id), () -> node.putNull("id"));
        c.nodeId().ifPresent(id -> node.put("nodeId", id));
        node.put("role", "provider");
        node.put("name", c.name());
        node.put("publicKey", c.publicKey());
        node.put("address", c.address());
        node.put("port", c.port());
        ObjectNode engine = root.withObject("/engine");
        engine.put("backend", c.engineBackend());
        if ("ollama".equals(c.engineBackend())) {
            engine.put("ollamaHost", c.engineHost());
        } else {
            engine.put("host", c.engineHost());
        }
        engine.put("model", c.defaultModel());
        ArrayNode served = root.putArray("served_models");
        c.servedModels().forEach(served::add);
        putOptional(root, "backend", c.backend());
        putOptional(root, "payout_chain", c.payoutChain());
        putOptional(root, "payout_address", c.payoutAddress());
        root.put("vram_tier", c.vramTier());
        putOptional(root, "bearer_token", c.bearerToken());
        save(file, root);
    }

    private static void putOptional(ObjectNode root, String field, Optional<String> value) {
        value.ifPresentOrElse(v -> root.put(field, v), () -> root.remove(field));
    }

    private static Optional<String> text(JsonNode n) {
        return n.isTextual() && !n.asText().isBlank() ? Optional.of(n.asText()) : Optional.empty();
    }

    private static Optional<JsonNode> tree(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readTree(file.toFile()));
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "config " + file + " is not valid JSON: "
                    + e.getMessage());
        }
    }

    private static void save(Path file, ObjectNode root) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".config", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, MAPPER.writeValueAsBytes(root));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            // an existing file keeps its mode across a move on some systems; the book says 0600, always
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.INTERNAL_ERROR, "cannot write config " + file + ": " + e.getMessage());
        }
    }
}
