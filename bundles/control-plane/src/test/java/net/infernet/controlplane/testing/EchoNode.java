package net.infernet.controlplane.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** A node that answers every job it claims with fixed tokens, until closed. */
public final class EchoNode implements AutoCloseable {
    public static final List<String> TOKENS = List.of("Hello", ",", " world", "!");
    private final TestNode node;
    private final Thread thread;
    private volatile boolean running = true;

    public EchoNode(TestNode node) {
        this.node = node;
        this.thread = new Thread(this::loop, "echo-node");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Optional<JsonNode> job = node.claim(1_000);
                if (job.isPresent()) {
                    TestNode.Attempt run = node.attempt(job.get());
                    for (String t : TOKENS) {
                        run.text(t);
                    }
                    run.done(12, TOKENS.size());
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
