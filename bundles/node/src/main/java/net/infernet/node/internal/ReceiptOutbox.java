package net.infernet.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.receipt.Receipts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's signed receipts on their way to the control plane (docs/node.md, "Receipts"). A receipt is written to
 * {@code <dataDir>/receipts/outbox/<job>.json} before it is sent, and leaves the outbox only when the control plane
 * has answered: countersigned (kept as {@code receipts/<job>.json}, what {@code infernet payout} redeems) or refused
 * for good (moved to {@code receipts/refused/}, with the reason in the log). A network error, a 5xx or a 429 is
 * retried with exponential back-off (1 s doubling to 5 minutes), and whatever is still in the outbox when the node
 * starts is sent again, so neither a crash of the node nor of the control plane loses a receipt. Re-sending is safe:
 * the control plane answers a receipt it already countersigned with the same receipt and credits it once.
 */
final class ReceiptOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptOutbox.class);
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofMinutes(5);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    /** What sending a receipt came to. */
    enum Outcome { COUNTERSIGNED, REFUSED, RETRY }

    private final Path kept;
    private final Path outbox;
    private final Path refused;
    private final ScheduledExecutorService scheduler;
    private final Supplier<ControlPlane> cp;
    private final ObjectMapper mapper;
    /** Jobs whose receipt is being sent or waits for its next try, with the delay of that try. */
    private final Map<String, Duration> pending = new ConcurrentHashMap<>();

    ReceiptOutbox(Path dataDir, ScheduledExecutorService scheduler, Supplier<ControlPlane> cp, ObjectMapper mapper) {
        this.kept = dataDir.resolve("receipts");
        this.outbox = kept.resolve("outbox");
        this.refused = kept.resolve("refused");
        this.scheduler = scheduler;
        this.cp = cp;
        this.mapper = mapper;
    }

    /** Sends every receipt an earlier run left in the outbox. */
    void resume() {
        if (!Files.isDirectory(outbox)) {
            return;
        }
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(outbox, "*.json")) {
            for (Path f : files) {
                String jobId = f.getFileName().toString().replaceFirst("\\.json$", "");
                if (JOB_ID.matcher(jobId).matches()) {
                    schedule(jobId, Duration.ZERO);
                    n++;
                }
            }
        } catch (IOException e) {
            LOG.warn("event=receipt_outbox_unreadable dir={} reason=\"{}\"", outbox, e.getMessage());
        }
        if (n > 0) {
            LOG.info("event=receipt_outbox_resumed receipts={}", n);
        }
    }

    /** Keeps the node-signed receipt in the outbox, then sends it. */
    void add(String nodeId, Receipt signed) {
        if (!JOB_ID.matcher(signed.jobId()).matches()) {
            LOG.warn("event=receipt_dropped job_id_length={} reason=\"job id is not a file name\"",
                    signed.jobId().length());
            return;
        }
        ObjectNode entry = mapper.createObjectNode();
        entry.put("node_id", nodeId);
        try {
            entry.set("receipt", mapper.readTree(Receipts.canonicalJson(signed)));
            write(outbox.resolve(signed.jobId() + ".json"), mapper.writeValueAsString(entry));
        } catch (IOException e) {
            // without the outbox file the receipt still goes out now; it is only not retried after a restart
            LOG.warn("event=receipt_outbox_write_failed job_id={} reason=\"{}\"", signed.jobId(), e.getMessage());
        }
        schedule(signed.jobId(), Duration.ZERO);
    }

    /** How many receipts wait for the control plane. */
    int waiting() {
        return pending.size();
    }

    private void schedule(String jobId, Duration delay) {
        pending.put(jobId, delay);
        try {
            scheduler.schedule(() -> attempt(jobId), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            pending.remove(jobId); // stays in the outbox: the next start sends it
        }
    }

    private void attempt(String jobId) {
        Path file = outbox.resolve(jobId + ".json");
        Duration last = pending.getOrDefault(jobId, Duration.ZERO);
        Outcome outcome;
        try {
            JsonNode entry = mapper.readTree(Files.readString(file));
            outcome = send(jobId, entry);
        } catch (IOException e) {
            LOG.warn("event=receipt_outbox_unreadable job_id={} reason=\"{}\"", jobId, e.getMessage());
            pending.remove(jobId);
            return;
        }
        if (outcome == Outcome.RETRY) {
            Duration next = last.isZero() ? FIRST_RETRY : min(last.multipliedBy(2), MAX_RETRY);
            LOG.info("event=receipt_retry_scheduled job_id={} retry_ms={}", jobId, next.toMillis());
            schedule(jobId, next);
            return;
        }
        pending.remove(jobId);
    }

    private Outcome send(String jobId, JsonNode entry) throws IOException {
        ControlPlane plane = cp.get();
        if (plane == null) {
            return Outcome.RETRY;
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("node_id", entry.path("node_id").asText());
        body.set("receipt", entry.path("receipt"));
        ControlPlane.Answer a;
        try {
            a = plane.post("/api/v1/nodes/jobs/" + jobId + "/receipt", body, CALL_TIMEOUT);
        } catch (IOException e) {
            LOG.warn("event=receipt_send_failed job_id={} reason=\"{}\"", jobId, e.getMessage());
            return Outcome.RETRY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.RETRY;
        }
        Path file = outbox.resolve(jobId + ".json");
        if (a.ok()) {
            JsonNode countersigned = a.body().path("receipt");
            if (countersigned.isObject()) { // null when the control plane runs with payments off
                Receipt r;
                try {
                    r = Receipts.parseJson(countersigned.toString());
                } catch (RuntimeException e) {
                    LOG.warn("event=receipt_answer_malformed job_id={} reason=\"{}\"", jobId, e.getMessage());
                    return Outcome.RETRY;
                }
                keep(jobId, Receipts.canonicalJson(r));
                LOG.info("event=receipt_countersigned job_id={} value_usdc={}", jobId, Receipts.amount(r.valueUsdc()));
            }
            Files.deleteIfExists(file);
            return Outcome.COUNTERSIGNED;
        }
        if (a.status() >= 500 || a.status() == 429) {
            LOG.warn("event=receipt_send_failed job_id={} status={} reason=\"{}\"", jobId, a.status(), a.error());
            return Outcome.RETRY;
        }
        Files.createDirectories(refused);
        Files.move(file, refused.resolve(jobId + ".json"), StandardCopyOption.REPLACE_EXISTING);
        LOG.warn("event=receipt_refused job_id={} status={} reason=\"{}\"", jobId, a.status(), a.error());
        return Outcome.REFUSED;
    }

    /**
     * Keeps the countersigned receipt for {@code infernet payout}. A job has one receipt: should the control plane
     * ever countersign a different one for the same job (it lost the first), the first is kept and the conflict
     * logged; both carry the job's serial, so the contract would pay only one of them anyway.
     */
    private void keep(String jobId, String canonical) throws IOException {
        Path target = kept.resolve(jobId + ".json");
        if (Files.exists(target) && !Files.readString(target).equals(canonical)) {
            LOG.warn("event=receipt_conflict job_id={} kept=first", jobId);
            return;
        }
        write(target, canonical);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Writes through a temporary file and a rename, so a crash never leaves half a receipt. */
    private static void write(Path target, String content) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
