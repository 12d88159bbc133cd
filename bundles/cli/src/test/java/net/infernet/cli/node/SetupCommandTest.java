package net.infernet.cli.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.core.api.VramTier;
import net.infernet.node.config.ConfigFile;
import net.infernet.node.config.NodeConfig;
import net.infernet.protocol.auth.RequestVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetupCommandTest {
    @TempDir
    Path dir;

    static final String RTX_4090 = "NVIDIA GeForce RTX 4090, 24564\n";
    static final String ROCMINFO = """
            *******
            Agent 1
            *******
              Name:                    AMD Ryzen 9 7950X
              Marketing Name:          AMD Ryzen 9 7950X 16-Core Processor
              Device Type:             CPU
            *******
            Agent 2
            *******
              Name:                    gfx1100
              Marketing Name:          Radeon RX 7900 XTX
              Device Type:             GPU
            """;
    static final String ROCM_VRAM = "device,VRAM Total Memory (B),VRAM Total Used Memory (B)\ncard0,25753026560,1000\n";

    static Stub.FakeHost host(Map<List<String>, String> outputs) {
        return new Stub.FakeHost(outputs, 500L << 30, Clock.systemUTC());
    }

    @Test
    void detectsTiersFromRecordedToolOutputs() {
        Hardware nvidia = Hardware.detect(host(Map.of(Hardware.NVIDIA_QUERY, RTX_4090)));
        assertEquals(VramTier.GE_24GB, nvidia.tier(), "a 24564 MiB card is the book's 24 GB tier");
        assertEquals("qwen2.5:14b", Hardware.defaultModel(nvidia.tier()));
        Hardware two = Hardware.detect(host(Map.of(Hardware.NVIDIA_QUERY, RTX_4090 + RTX_4090)));
        assertEquals(VramTier.GE_48GB, two.tier(), "book: 2x 24GB counts as >=48gb");
        assertEquals("qwen2.5:72b", Hardware.defaultModel(two.tier()));
        Hardware amd = Hardware.detect(host(Map.of(Hardware.ROCMINFO, ROCMINFO, Hardware.ROCM_VRAM, ROCM_VRAM)));
        assertEquals("Radeon RX 7900 XTX", amd.gpus().get(0).name());
        assertEquals(VramTier.GE_24GB, amd.tier());
        Hardware cpu = Hardware.detect(host(Map.of()));
        assertEquals(VramTier.CPU, cpu.tier());
        assertEquals("qwen2.5:1.5b", Hardware.defaultModel(cpu.tier()));
        assertEquals("qwen2.5:7b", Hardware.defaultModel(VramTier.GE_8GB));
    }

    @Test
    void setupFindsTheEngineWritesA0600ConfigAndRegistersWithASignedRequest() throws Exception {
        RequestVerifier verifier = new RequestVerifier(Clock.systemUTC(), 100);
        try (Stub ollama = new Stub(); Stub vllm = new Stub(); Stub cp = new Stub()) {
            ollama.json("/api/tags", "{\"models\":[]}");
            // vllm answers too, but ollama is first in the book's probe order
            vllm.json("/health", "{}");
            cp.on("/api/v1/nodes/register", r -> {
                JsonNode body = NodeHttp.MAPPER.readTree(r.body());
                verifier.verify("POST", r.path(), r.body().getBytes(), r.headers().get("X-infernet-auth").get(0),
                        body.path("public_key").asText());
                return Stub.Reply.json(201, "{\"node_id\":\"node_8f3a2c1d00aa11bb\",\"status\":\"approved\"}");
            });
            Stub.Term t = new Stub.Term(dir, Map.of("OLLAMA_HOST", ollama.url(), "VLLM_HOST", vllm.url(),
                    "SGLANG_HOST", "http://127.0.0.1:1", "MODULAR_MAX_HOST", "http://127.0.0.1:1",
                    "LLAMACPP_HOST", "http://127.0.0.1:1"));
            int rc = new SetupCommand(host(Map.of(Hardware.NVIDIA_QUERY, RTX_4090)))
                    .run(List.of("--yes", "--control-plane", cp.url(), "--token", "inft_reg_7x9k"), t.cli);
            assertEquals(Cli.OK, rc, t.err());
            assertTrue(t.out().contains("GPU: NVIDIA GeForce RTX 4090 (24 GB VRAM)"), t.out());
            assertTrue(t.out().contains("Tier: >=24gb"));
            assertTrue(t.out().contains("Backend: ollama"));
            assertTrue(t.out().contains("Node ID: node_8f3a2c1d00aa11bb"));

            Path file = ConfigFile.in(dir.resolve("config"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            NodeConfig c = ConfigFile.read(file);
            assertEquals(Optional.of("node_8f3a2c1d00aa11bb"), c.nodeId());
            assertEquals(cp.url(), c.controlPlaneUrl());
            assertEquals("ollama", c.engineBackend());
            assertEquals("qwen2.5:14b", c.defaultModel());
            assertEquals(">=24gb", c.vramTier());
            JsonNode sent = NodeHttp.MAPPER.readTree(cp.last("/api/v1/nodes/register").orElseThrow().body());
            assertEquals("inft_reg_7x9k", sent.path("registration_token").asText());
            assertEquals(">=24gb", sent.path("vram_tier").asText());
            assertEquals(c.publicKey(), sent.path("public_key").asText());
            assertTrue(Files.exists(dir.resolve("data/keys/node.key")));
        }
    }

    @Test
    void anUnreachableControlPlaneStillLeavesAConfigAndExitsWith3() {
        Stub.Term t = new Stub.Term(dir, Map.of("OLLAMA_HOST", "http://127.0.0.1:1", "VLLM_HOST", "http://127.0.0.1:1",
                "SGLANG_HOST", "http://127.0.0.1:1", "MODULAR_MAX_HOST", "http://127.0.0.1:1",
                "LLAMACPP_HOST", "http://127.0.0.1:1"));
        int rc = new SetupCommand(host(Map.of())).run(List.of("--yes", "--control-plane", "http://127.0.0.1:1"),
                t.cli);
        assertEquals(Cli.UNREACHABLE, rc);
        assertTrue(t.err().contains("infernet register"), t.err());
        assertEquals("cpu", ConfigFile.read(ConfigFile.in(dir.resolve("config"))).vramTier());
    }
}
