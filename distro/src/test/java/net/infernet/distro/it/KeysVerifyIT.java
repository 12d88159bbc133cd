package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.backend.llamacpp.gguf.DemoModel;
import net.infernet.cli.Cli;
import net.infernet.cli.keys.KeysCommand;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infernet keys verify <job_id>} on the node's host against a running control plane (issue 18): the CLI
 * fetches the receipt with the node's own key and checks both signatures.
 */
class KeysVerifyIT {
    @Test
    void theOperatorVerifiesAReceiptOfItsNodeByJobId(@TempDir Path home) throws Exception {
        Path cpDir = home.resolve("control-plane");
        Path nodeDir = home.resolve("node");
        String token = ClientTokens.create(Stores.h2Url(cpDir), Optional.empty());
        try (DistributionProcess cp = new DistributionProcess("control-plane", cpDir);
                DistributionProcess node = new DistributionProcess("start", nodeDir)) {
            cp.start();
            ClientApi client = new ClientApi(cp.url(), token);
            client.awaitApi();
            node.env("INFERNET_CONTROL_PLANE", cp.url()).env("INFERNET_DEMO", "true")
                    .env("INFERNET_BACKEND", "llamacpp-embedded").start();
            client.awaitModel(DemoModel.NAME);
            ClientApi.Stream s = client.streamJob(ClientApi.job(DemoModel.NAME, "sign this", 8));
            assertEquals("[DONE]", s.end());
            String jobId = s.jobId().orElseThrow();
            ClientApi.await("the receipt", 30, () -> {
                try {
                    return Optional.of(client.get("/api/v1/cprs/" + jobId));
                } catch (Exception | AssertionError notYet) {
                    return Optional.empty();
                }
            });

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("INFERNET_CONTROL_PLANE", cp.url()),
                    nodeDir, nodeDir.resolve("config"));
            int rc = new KeysCommand().run(List.of("verify", jobId), cli);
            String printed = out.toString(StandardCharsets.UTF_8);
            assertEquals(Cli.OK, rc, printed + err.toString(StandardCharsets.UTF_8));
            assertTrue(printed.contains("Receipt:   " + jobId), printed);
            assertTrue(printed.contains("Node signature:     valid"), printed);
            assertTrue(printed.contains("Platform signature: signed by 0x"), printed);
        }
    }
}
