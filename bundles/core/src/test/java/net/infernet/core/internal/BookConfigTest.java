package net.infernet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BookConfigTest {
    @TempDir
    Path dir;

    @Test
    void theBooksFlatKeysStandForTheirVariables() throws Exception {
        Files.writeString(dir.resolve("config.json"), """
                {"backend": "vllm", "vllm_host": "http://localhost:8000", "vllm_model": "Qwen/Qwen2.5-14B-Instruct",
                 "ollama_host": "http://192.168.1.50:11434", "control_plane_url": "https://cp.example.com",
                 "max_jobs": 8, "vram_tier": ">=48gb", "sglang_host": "",
                 "vllm_instances": [{"host": "http://localhost:8001", "model": "llama3.1:8b"}],
                 "served_models": ["qwen2.5:14b"], "controlPlane": {"url": "http://nested"}}
                """);
        BookConfig c = BookConfig.in(Optional.of(dir));
        assertEquals(Optional.of("vllm"), c.value("INFERNET_BACKEND"));
        assertEquals(Optional.of("http://localhost:8000"), c.value("VLLM_HOST"));
        assertEquals(Optional.of("Qwen/Qwen2.5-14B-Instruct"), c.value("VLLM_MODEL"));
        assertEquals(Optional.of("http://192.168.1.50:11434"), c.value("OLLAMA_HOST"));
        assertEquals(Optional.of("https://cp.example.com"), c.value("INFERNET_CONTROL_PLANE"));
        assertEquals(Optional.of("8"), c.value("INFERNET_MAX_JOBS"), "a number reads as its text");
        assertEquals(Optional.empty(), c.value("SGLANG_HOST"), "an empty value sets nothing");
        assertEquals(Optional.empty(), c.value("LLAMACPP_HOST"), "absent");
        assertEquals(Optional.empty(), c.value("VLLM_INSTANCES"), "not a single value");
        assertEquals(Optional.empty(), c.value("SERVED_MODELS"), "read by the node's profile, not a variable");
        c.warnUnsupported(); // names vllm_instances in the log
        org.junit.jupiter.api.Assertions.assertSame(c, c.current(Optional.of(dir)), "unchanged: not read again");
        Files.writeString(dir.resolve("config.json"), "{\"ollama_host\": \"http://edited:1\"}");
        Files.setLastModifiedTime(dir.resolve("config.json"), java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(dir.resolve("config.json")).toMillis() + 2000));
        assertEquals(Optional.of("http://edited:1"), c.current(Optional.of(dir)).value("OLLAMA_HOST"), "edited");
    }

    @Test
    void aMissingOrBrokenFileReadsAsEmpty() throws Exception {
        assertEquals(Optional.empty(), BookConfig.in(Optional.of(dir)).value("OLLAMA_HOST"));
        assertEquals(Optional.empty(), BookConfig.in(Optional.empty()).value("OLLAMA_HOST"));
        Files.writeString(dir.resolve("config.json"), "{ not json");
        assertEquals(Optional.empty(), BookConfig.in(Optional.of(dir)).value("OLLAMA_HOST"));
    }
}
