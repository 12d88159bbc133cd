package net.infernet.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.infernet.node.hardware.EngineChoice;

/** The book's "Default probe order" with each engine's health URL; hosts come from the book's env vars. */
final class Engines {
    /** One engine to probe: backend id, base URL, health path, models path. */
    record Engine(String id, String host, String health, String modelsPath) {
        URI healthUri() {
            return URI.create(host + health);
        }
    }

    private Engines() {
    }

    static List<Engine> probeOrder(Map<String, String> env) {
        return List.of(
                new Engine("ollama", host(env, "OLLAMA_HOST", "http://localhost:11434"), "/api/tags", "/api/tags"),
                new Engine("vllm", host(env, "VLLM_HOST", "http://localhost:8000"), "/health", "/v1/models"),
                new Engine("sglang", host(env, "SGLANG_HOST", "http://localhost:30000"), "/health", "/v1/models"),
                new Engine("max", host(env, "MODULAR_MAX_HOST", "http://localhost:8080"), "/health", "/v1/models"),
                new Engine("llamacpp", host(env, "LLAMACPP_HOST", "http://localhost:8080"), "/health", "/v1/models"));
    }

    private static String host(Map<String, String> env, String var, String dflt) {
        String h = Optional.ofNullable(env.get(var)).filter(s -> !s.isBlank()).orElse(dflt);
        h = h.contains("://") ? h : "http://" + h;
        return h.endsWith("/") ? h.substring(0, h.length() - 1) : h;
    }

    /** The first engine that answers its health URL with 2xx, in probe order (or only {@code only} when set). */
    static Optional<Engine> firstAnswering(NodeHttp http, List<Engine> engines, Optional<String> only) {
        for (Engine e : engines) {
            if (only.isPresent() && !only.get().equals(e.id())) {
                continue;
            }
            if (answers(http, e)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    static boolean answers(NodeHttp http, Engine e) {
        try {
            return http.get(e.healthUri(), false).ok();
        } catch (IOException | RuntimeException down) {
            return false;
        }
    }

    /**
     * The engines whose health URL answers, in probe order, then the embedded llama.cpp when the default models
     * folder ({@code <dataDir>/models}) holds a GGUF (its health rule; no HTTP probe can see it).
     */
    static List<String> found(NodeHttp http, List<Engine> engines, Path modelsDir) {
        List<String> out = new ArrayList<>();
        engines.stream().filter(e -> answers(http, e)).map(Engine::id).filter(id -> !out.contains(id))
                .forEach(out::add);
        try (Stream<Path> files = Files.list(modelsDir)) {
            if (files.anyMatch(f -> f.getFileName().toString().endsWith(".gguf") && Files.isRegularFile(f))) {
                out.add(EngineChoice.LLAMACPP_EMBEDDED);
            }
        } catch (IOException noFolder) {
            // no models folder: the embedded llama.cpp has nothing to serve
        }
        return out;
    }

    /** The models an engine lists (Ollama tags or OpenAI-style {@code /v1/models}). */
    static List<String> models(NodeHttp http, Engine e) {
        List<String> out = new ArrayList<>();
        try {
            JsonNode body = http.get(URI.create(e.host() + e.modelsPath()), false).body();
            body.path("models").forEach(m -> out.add(m.path("name").asText()));
            body.path("data").forEach(m -> out.add(m.path("id").asText()));
        } catch (IOException | RuntimeException down) {
            // an engine that does not answer lists nothing
        }
        return out;
    }
}
