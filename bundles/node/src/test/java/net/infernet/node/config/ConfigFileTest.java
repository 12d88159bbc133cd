package net.infernet.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.InfernetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void readsTheBooksExampleAndDropsTheLegacyPrivateKeyOnWrite() throws Exception {
        Path file = ConfigFile.in(dir);
        Files.writeString(file, """
                {
                  "controlPlane": { "url": "https://infernetprotocol.com" },
                  "node": { "id": null, "nodeId": "provider-a1b2c3d4", "role": "provider", "name": "user@hostname",
                    "publicKey": "abcdef", "privateKey": "012345", "address": "1.2.3.4", "port": 46337 },
                  "engine": { "backend": "ollama", "ollamaHost": "http://localhost:11434", "model": "qwen2.5:7b" },
                  "served_models": ["qwen2.5:14b", "llama3.2:3b"],
                  "backend": "vllm",
                  "vllm_host": "http://localhost:8000"
                }
                """);
        NodeConfig c = ConfigFile.read(file);
        assertEquals("https://infernetprotocol.com", c.controlPlaneUrl());
        assertEquals(Optional.empty(), c.nodeId());
        assertEquals("http://localhost:11434", c.engineHost());
        assertEquals(List.of("qwen2.5:14b", "llama3.2:3b"), c.servedModels());
        assertEquals(Optional.of("vllm"), c.backend());

        ConfigFile.write(file, c.withNodeId("node_0123456789abcdef"));
        String text = Files.readString(file);
        assertFalse(text.contains("privateKey"), "the private key lives in the key file only");
        assertTrue(text.contains("\"vllm_host\" : \"http://localhost:8000\""), "unknown fields are kept");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Optional.of("node_0123456789abcdef"), ConfigFile.read(file).nodeId());
    }

    @Test
    void aMissingConfigTellsTheOperatorToRunSetup() {
        InfernetException e = assertThrows(InfernetException.class, () -> ConfigFile.read(ConfigFile.in(dir)));
        assertTrue(e.getMessage().contains("infernet setup"));
    }
}
