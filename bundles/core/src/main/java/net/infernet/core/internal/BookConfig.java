package net.infernet.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The book's flat keys of {@code config.json} ({@code "ollama_host": "http://…"}, {@code "vllm_host"},
 * {@code "vllm_model"}, {@code "backend"}, {@code "control_plane_url"}, …) as stand-ins for the environment
 * variables of the same meaning: a variable's key is its name in lower case ({@code OLLAMA_HOST} →
 * {@code ollama_host}), but for the few the book names otherwise ({@link #ALIASES}). Keys the book documents that
 * this version does not act on are named in a warning at start-up ({@link #UNSUPPORTED}), never silently dropped.
 */
final class BookConfig {
    static final Map<String, String> ALIASES = Map.of("INFERNET_BACKEND", "backend", "INFERNET_CONTROL_PLANE",
            "control_plane_url", "MODULAR_MAX_HOST", "max_host", "INFERNET_MAX_JOBS", "max_jobs");
    /** Book keys read elsewhere (the node's profile reads them itself) or not acted on yet, with why. */
    static final Map<String, String> UNSUPPORTED = Map.of("vllm_instances",
            "one vLLM server per node: run a node per instance, or one vLLM with --served-model-name per model");
    private static final Set<String> NOT_A_VARIABLE = Set.of("node", "engine", "controlPlane", "served_models");
    private static final Logger LOG = LoggerFactory.getLogger(BookConfig.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode root;
    /** The file's modification time when it was read (0: no file). */
    private final long readModified;

    private BookConfig(JsonNode root, long readModified) {
        this.root = root;
        this.readModified = readModified;
    }

    /** This one while the file is unchanged, else the file read again. */
    BookConfig current(Optional<Path> configDir) {
        return modified(configDir) == readModified ? this : in(configDir);
    }

    private static long modified(Optional<Path> configDir) {
        try {
            Optional<Path> file = configDir.map(d -> d.resolve("config.json")).filter(Files::isRegularFile);
            return file.isPresent() ? Files.getLastModifiedTime(file.get()).toMillis() : 0;
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code <configDir>/config.json}; an absent or unreadable file reads as empty (said once in the log). */
    static BookConfig in(Optional<Path> configDir) {
        Optional<Path> file = configDir.map(d -> d.resolve("config.json")).filter(Files::isRegularFile);
        long modified = modified(configDir);
        if (file.isEmpty()) {
            return new BookConfig(JSON.createObjectNode(), modified);
        }
        try {
            JsonNode root = JSON.readTree(file.get().toFile());
            return new BookConfig(root != null && root.isObject() ? root : JSON.createObjectNode(), modified);
        } catch (IOException e) {
            LOG.warn("event=config_unreadable file={} error=\"{}\"", file.get(), e.getMessage());
            return new BookConfig(JSON.createObjectNode(), modified);
        }
    }

    /** Says in the log which of the book's keys present here this version does not act on. */
    void warnUnsupported() {
        UNSUPPORTED.forEach((key, why) -> {
            if (root.has(key)) {
                LOG.warn("event=config_key_ignored file=config.json key={} reason=\"{}\"", key, why);
            }
        });
    }

    /** The value of the key standing for {@code variable}: a non-empty text, number or boolean. */
    Optional<String> value(String variable) {
        String key = ALIASES.getOrDefault(variable, variable.toLowerCase(Locale.ROOT));
        if (NOT_A_VARIABLE.contains(key)) {
            return Optional.empty();
        }
        JsonNode v = root.path(key);
        return v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }
}
