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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.infernet.core.api.Receipt;
import net.infernet.protocol.receipt.Receipts;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's signed receipts on their way to the control plane (docs/node.md, "Receipts"). A receipt is written to
 * {@code <dataDir>/receipts/outbox/<job>.json} before it goes out with its completion, and leaves the outbox only
 * when the control plane has answered: countersigned (kept as {@code receipts/<job>.json}, what
 * {@code infernet payout} redeems), none due (payments off), or refused for good (moved to {@code receipts/refused/},
 * the reason in the log). When the channel opens, every receipt still in the outbox is sent again (a crash of
 * either side, a channel lost before the answer); an answer that asks to try later is retried with back-off (1 s
 * doubling to 5 minutes). Sending again is safe: the control plane answers a receipt it countersigned with the same
 * receipt and credits it once.
 */
@Component(service = ReceiptBook.class)
public final class ReceiptOutbox implements ReceiptBook, ChannelListener {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptOutbox.class);
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofMinutes(5);

    private final ObjectMapper mapper = new ObjectMapper();
    private final Path kept;
    private final Path outbox;
    private final Path refused;
    private final NodeChannel channel;
    /** Receipts waiting for a retry, with the delay of that retry. */
    private final Map<String, Duration> retries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-node-receipts");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public ReceiptOutbox(@Reference NodeProfile profile, @Reference NodeChannel channel) {
        this.kept = profile.settings().dataDir().resolve("receipts");
        this.outbox = kept.resolve("outbox");
        this.refused = kept.resolve("refused");
        this.channel = channel;
        channel.subscribe(this, Set.of("receipt"));
    }

    @Deactivate
    public void close() {
        channel.unsubscribe(this);
        timer.shutdownNow();
    }

    @Override
    public void add(Receipt signed) {
        if (!JOB_ID.matcher(signed.jobId()).matches()) {
            LOG.warn("event=receipt_dropped job_id_length={} reason=\"job id is not a file name\"",
                    signed.jobId().length());
            return;
        }
        try {
            write(outbox.resolve(signed.jobId() + ".json"), Receipts.canonicalJson(signed));
        } catch (IOException e) {
            // the receipt still goes out with its completion; it is only not sent again after a restart
            LOG.warn("event=receipt_outbox_write_failed job_id={} reason=\"{}\"", signed.jobId(), e.getMessage());
        }
    }

    @Override
    public int waiting() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(outbox, "*.json")) {
            int n = 0;
            for (Path ignored : files) {
                n++;
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The channel opened: whatever an earlier channel or run left unanswered goes out again. */
    @Override
    public void connected() {
        if (!Files.isDirectory(outbox)) {
            return;
        }
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(outbox, "*.json")) {
            for (Path f : files) {
                String jobId = f.getFileName().toString().replaceFirst("\\.json$", "");
                if (JOB_ID.matcher(jobId).matches() && resend(jobId)) {
                    n++;
                }
            }
        } catch (IOException e) {
            LOG.warn("event=receipt_outbox_unreadable dir={} reason=\"{}\"", outbox, e.getMessage());
        }
        if (n > 0) {
            LOG.info("event=receipt_outbox_resent receipts={}", n);
        }
    }

    private boolean resend(String jobId) {
        try {
            ObjectNode f = mapper.createObjectNode();
            f.put("type", "receipt");
            f.put("job_id", jobId);
            JsonNode stored = mapper.readTree(Files.readString(outbox.resolve(jobId + ".json")));
            // an outbox written before the channel kept {node_id, receipt}
            f.set("receipt", stored.has("receipt") ? stored.get("receipt") : stored);
            return channel.send(f);
        } catch (IOException e) {
            return false; // answered meanwhile
        }
    }

    /** The control plane's answer about one receipt. */
    @Override
    public void onFrame(String type, JsonNode frame) {
        String jobId = frame.path("job_id").asText();
        if (!JOB_ID.matcher(jobId).matches()) {
            return;
        }
        Path file = outbox.resolve(jobId + ".json");
        try {
            JsonNode countersigned = frame.path("receipt");
            if (countersigned.isObject()) {
                Receipt r = Receipts.parseJson(countersigned.toString());
                keep(jobId, Receipts.canonicalJson(r));
                Files.deleteIfExists(file);
                retries.remove(jobId);
                LOG.info("event=receipt_countersigned job_id={} value_usdc={}", jobId, Receipts.amount(r.valueUsdc()));
            } else if ("internal_error".equals(frame.path("error").asText())) {
                retryLater(jobId); // the control plane could not store it now
            } else if (frame.hasNonNull("error")) {
                if (Files.exists(file)) {
                    Files.createDirectories(refused);
                    Files.move(file, refused.resolve(jobId + ".json"), StandardCopyOption.REPLACE_EXISTING);
                }
                retries.remove(jobId);
                LOG.warn("event=receipt_refused job_id={} error={} reason=\"{}\"", jobId, frame.path("error").asText(),
                        frame.path("message").asText());
            } else {
                Files.deleteIfExists(file); // none due: payments off, or nothing generated
                retries.remove(jobId);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=receipt_answer_unusable job_id={} reason=\"{}\"", jobId, e.toString());
        }
    }

    private void retryLater(String jobId) {
        Duration last = retries.getOrDefault(jobId, Duration.ZERO);
        Duration next = last.isZero() ? FIRST_RETRY : min(last.multipliedBy(2), MAX_RETRY);
        retries.put(jobId, next);
        LOG.info("event=receipt_retry_scheduled job_id={} retry_ms={}", jobId, next.toMillis());
        try {
            timer.schedule(() -> resend(jobId), next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // stays in the outbox: the next channel sends it
        }
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
