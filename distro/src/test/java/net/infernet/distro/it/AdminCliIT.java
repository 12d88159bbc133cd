package net.infernet.distro.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.cli.token.AdminCommand;
import net.infernet.cli.token.NodesCommand;
import net.infernet.cli.token.TokenCommand;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's administration commands against a running control plane (issue 16): {@code infernet admin create}
 * bootstraps the first admin token on the host, then {@code infernet token} and {@code infernet nodes} run with it
 * over the administration API from a machine whose data folder holds no database: nothing but the control plane
 * opens its database.
 */
class AdminCliIT {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int run(Command c, Map<String, String> env, Path dataDir, String... args) throws Exception {
        out.reset();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), env, dataDir,
                dataDir.resolve("config"));
        return c.run(List.of(args), cli);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void tokenAndNodeCommandsWorkOverTheApiWithAnAdminToken(@TempDir Path home) throws Exception {
        Path cpDir = home.resolve("control-plane");
        Stores.open(Stores.h2Url(cpDir), java.util.Optional.empty(), java.util.Optional.empty(), 1).close();
        assertEquals(Cli.OK, run(new AdminCommand(), Map.of(), cpDir, "create", "--name", "root", "--json"));
        String adminToken = ClientApi.JSON.readTree(output()).get("token").asText();
        try (DistributionProcess cp = new DistributionProcess("control-plane", cpDir)) {
            cp.start();
            new ClientApi(cp.url(), adminToken).awaitApi();
            Path laptop = home.resolve("laptop"); // no database here
            Map<String, String> env = Map.of("INFERNET_ADMIN_TOKEN", adminToken, "INFERNET_CONTROL_PLANE", cp.url());

            assertEquals(Cli.OK, run(new TokenCommand(), env, laptop, "create", "--name", "my-app", "--json"));
            JsonNode created = ClientApi.JSON.readTree(output());
            String appToken = created.get("token").asText();
            assertTrue(new ClientApi(cp.url(), appToken).get("/api/v1/models").path("models").isArray(),
                    "the new key works on the client API");
            assertEquals(Cli.OK, run(new TokenCommand(), env, laptop, "list"));
            assertTrue(output().contains("my-app") && output().contains("root"), output());
            assertFalse(output().contains(appToken), "a key is never listed");
            assertEquals(Cli.OK, run(new TokenCommand(), env, laptop, "revoke", "my-app"));
            assertEquals(Cli.FAILED, run(new TokenCommand(), env, laptop, "revoke", "my-app"));

            assertEquals(Cli.OK, run(new NodesCommand(), env, laptop, "registration-token"));
            String registration = output();
            assertTrue(registration.matches("reg_[0-9a-f]{48}"), registration);
            assertEquals(Cli.OK, run(new NodesCommand(), env, laptop, "list"));
            assertEquals(Cli.FAILED, run(new NodesCommand(), env, laptop, "approve", "node_0000000000000000"));
            assertFalse(Files.exists(laptop.resolve("controlplane")), "the CLI opened no database of its own");

            Map<String, String> client = Map.of("INFERNET_ADMIN_TOKEN", appToken, "INFERNET_CONTROL_PLANE", cp.url());
            try {
                run(new TokenCommand(), client, laptop, "list");
                throw new AssertionError("a revoked client key administered");
            } catch (java.io.IOException refused) {
                assertTrue(refused.getMessage().contains("401"), refused.getMessage());
            }

            // the audit log names who did what, and no secret reaches the log
            String log = Files.readString(cp.console(), StandardCharsets.UTF_8);
            assertTrue(log.contains("event=admin_action") && log.contains("action=token_created")
                    && log.contains("action=token_revoked"), "the audit log records the key actions");
            for (String secret : List.of(adminToken, appToken, registration)) {
                assertFalse(log.contains(secret), "a secret in the control plane's log");
                assertFalse(log.contains(secret.substring(4, 20)), "part of a secret in the control plane's log");
            }
        }
    }
}
