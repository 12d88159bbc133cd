package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.controlplane.testing.Browser;
import net.infernet.controlplane.testing.Harness;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.protocol.auth.NostrEvent;
import net.infernet.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What every control-plane contract test starts from: a harness on the store under test, nodes, job bodies. */
abstract class ControlPlaneFixture {
    static final String MSG = "{\"role\":\"user\",\"content\":\"What is the capital of France?\"}";
    Harness h;
    String model;

    @BeforeEach
    void newModel() {
        // a model of its own per test, so tests sharing one PostgreSQL database never see each other's jobs
        model = "qwen2.5:7b-t" + Hashing.randomHex(4);
    }

    abstract Store store();

    Harness harness(Settings settings) throws Exception {
        h = new Harness(store(), settings);
        return h;
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    /** A registered node that heartbeats and has its channel open: jobs are pushed to it. */
    TestNode onlineNode(double tps) throws Exception {
        return onlineNode(tps, 4);
    }

    TestNode onlineNode(double tps, int maxJobs) throws Exception {
        TestNode n = new TestNode(h.base, h.clock);
        n.maxJobs = maxJobs;
        assertEquals(201, n.register(List.of(model), Optional.empty()).statusCode());
        assertEquals(200, n.heartbeat(List.of(model), tps).statusCode());
        n.channel();
        return n;
    }

    String job(boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[" + MSG + "],\"stream\":" + stream + "}";
    }

    static JsonNode json(String s) throws Exception {
        return TestNode.JSON.readTree(s);
    }

    String stateAfterSweep(String jobId) {
        h.sweeper.sweep();
        return h.store.job(jobId).orElseThrow().state().wire();
    }

    /** Waits up to 10 s for something that happens on another thread. */
    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 400 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        org.junit.jupiter.api.Assertions.assertTrue(condition.getAsBoolean(), what);
    }

    /** The job's state, once it is {@code expected} or after 10 s (it changes on another thread). */
    String awaitState(String jobId, String expected) throws InterruptedException {
        String s = "";
        for (int i = 0; i < 400; i++) {
            s = h.store.job(jobId).orElseThrow().state().wire();
            if (s.equals(expected)) {
                return s;
            }
            Thread.sleep(25);
        }
        return s;
    }

    /** Signs in with a Nostr key by a fresh challenge. */
    Browser nostr(byte[] secret) throws Exception {
        Browser b = new Browser(h.base);
        String challenge = json(b.get("/api/v1/auth/nostr/challenge").body()).get("challenge").asText();
        HttpResponse<String> r = b.signIn("/api/v1/auth/nostr", nostrBody(secret, challenge,
                h.base.resolve("/api/v1/auth/nostr").toString(), h.clock.instant().getEpochSecond()));
        assertEquals(200, r.statusCode(), r.body());
        return b;
    }

    static String nostrBody(byte[] secret, String challenge, String url, long at) {
        NostrEvent e = NostrEvent.sign(secret, at, NostrEvent.HTTP_AUTH, List.of(List.of("u", url),
                List.of("method", "POST"), List.of("challenge", challenge)), "");
        return TestNode.JSON.createObjectNode().set("event", e.toJson()).toString();
    }
}
