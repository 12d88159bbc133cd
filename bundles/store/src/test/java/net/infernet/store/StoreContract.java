package net.infernet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.infernet.core.api.JobState;
import org.junit.jupiter.api.Test;

/** The behaviour every store must have; run once on H2 and once on PostgreSQL. */
abstract class StoreContract {
    static final Instant T0 = Instant.parse("2026-04-30T14:23:41Z");

    abstract Store store();

    static String uid(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    NodeRecord newNode(String model) {
        String id = uid("node_");
        return new NodeRecord(id, UUID.randomUUID().toString().replace("-", "") + "00000000000000000000000000000000",
                "gpu-box", "127.0.0.1", 8080, ">=24gb", "[]", List.of(model, "llama3.2:3b"), "ollama",
                NodeRecord.APPROVED, T0, Optional.empty(), 0, 1, 0, Optional.empty(), Optional.empty());
    }

    JobRecord newJob(String model) {
        return JobRecord.pending(uid("job_"), "tok_1", "client", model, "{}", Optional.empty(), T0);
    }

    @Test
    void aKeyRegisteredTwiceKeepsItsFirstId() {
        NodeRecord n = newNode("qwen2.5:7b");
        assertEquals(n.id(), store().registerNode(n).id());
        NodeRecord again = new NodeRecord(uid("node_"), n.publicKey(), "other", "x", 1, "cpu", "[]", List.of(), "x",
                NodeRecord.APPROVED, T0, Optional.empty(), 0, 1, 0, Optional.empty(), Optional.empty());
        assertEquals(n.id(), store().registerNode(again).id());
        assertEquals(List.of("qwen2.5:7b", "llama3.2:3b"), store().node(n.id()).orElseThrow().servedModels());
    }

    @Test
    void heartbeatMakesANodeOnlineAndRecordsItsLoad() {
        NodeRecord n = store().registerNode(newNode("m"));
        assertFalse(n.online(T0, java.time.Duration.ofSeconds(90)));
        assertTrue(store().heartbeat(n.id(), T0, true, List.of("m2"), 1, 4, Optional.of(55.5), Optional.of("base"),
                Optional.of("0xabc")));
        NodeRecord after = store().node(n.id()).orElseThrow();
        assertTrue(after.online(T0.plusSeconds(90), java.time.Duration.ofSeconds(90)));
        assertFalse(after.online(T0.plusSeconds(91), java.time.Duration.ofSeconds(90)));
        assertEquals(List.of("m2"), after.servedModels());
        assertEquals(4, after.maxJobs());
        assertEquals(55.5, after.tokensPerSecond());
        assertEquals(Optional.of("0xabc"), after.payoutAddress());
    }

    @Test
    void aJobIsClaimedByExactlyOneOfManyConcurrentClaimers() throws Exception {
        JobRecord job = newJob("m");
        store().insertJob(job);
        List<NodeRecord> nodes = List.of(store().registerNode(newNode("m")), store().registerNode(newNode("m")),
                store().registerNode(newNode("m")), store().registerNode(newNode("m")));
        ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = nodes.stream().map(n -> new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            store().claimJob(job.id(), n.id(), "hash", T0).ifPresent(j -> winners.add(n.id()));
        })).toList();
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, winners.size());
        JobRecord claimed = store().job(job.id()).orElseThrow();
        assertEquals(JobState.PROCESSING, claimed.state());
        assertEquals(Optional.of(winners.peek()), claimed.nodeId());
        assertTrue(claimed.receiptSerial() > 0);
    }

    @Test
    void everyJobHasItsOwnReceiptSerialAndKeepsItWhenItRunsAgain() {
        NodeRecord a = store().registerNode(newNode("m"));
        NodeRecord b = store().registerNode(newNode("m"));
        JobRecord first = newJob("m");
        store().insertJob(first);
        assertEquals(0, store().job(first.id()).orElseThrow().receiptSerial(), "no serial before a node gets it");
        JobRecord fast = store().insertClaimedJob(newJob("m"), a.id(), "h0", T0).orElseThrow();
        assertTrue(fast.receiptSerial() > 0);
        assertEquals(fast.receiptSerial(), store().job(fast.id()).orElseThrow().receiptSerial());
        long serial = store().claimJob(first.id(), a.id(), "h1", T0).orElseThrow().receiptSerial();
        assertEquals(fast.receiptSerial() + 1, serial, "the next serial of a's block");
        // claimed by a, given back, claimed by b: the same serial, so only one of its receipts can ever be paid
        assertTrue(store().requeueJob(first.id(), 0));
        assertEquals(serial, store().claimJob(first.id(), b.id(), "h2", T0).orElseThrow().receiptSerial());
        assertEquals(serial, store().job(first.id()).orElseThrow().receiptSerial());
        assertTrue(store().insertClaimedJob(newJob("m"), "node_unknown", "h3", T0).isEmpty());
    }

    @Test
    void eachNodeTakesItsSerialsFromItsOwnBlockOf256() {
        NodeRecord a = store().registerNode(newNode("m"));
        NodeRecord b = store().registerNode(newNode("m"));
        List<Long> ofA = new ArrayList<>();
        List<Long> ofB = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // the nodes take turns, as they do on a busy network
            ofA.add(store().insertClaimedJob(newJob("m"), a.id(), "h", T0).orElseThrow().receiptSerial());
            JobRecord pending = newJob("m");
            store().insertJob(pending);
            ofB.add(store().claimJob(pending.id(), b.id(), "h", T0).orElseThrow().receiptSerial());
        }
        // 300 serials of one node, in order, fill two bitmap words: its first block of 256, then the next
        assertEquals(ofA.stream().sorted().distinct().toList(), ofA);
        assertEquals(ofB.stream().sorted().distinct().toList(), ofB);
        List<Long> wordsOfA = ofA.stream().map(s -> s / 256).distinct().toList();
        List<Long> wordsOfB = ofB.stream().map(s -> s / 256).distinct().toList();
        assertEquals(2, wordsOfA.size(), wordsOfA.toString());
        assertEquals(2, wordsOfB.size(), wordsOfB.toString());
        assertTrue(wordsOfA.stream().noneMatch(wordsOfB::contains), "the nodes never share a block");
        assertEquals(256, ofA.stream().filter(s -> s / 256 == wordsOfA.get(0)).count(), "a block is used up first");
    }

    @Test
    void aRequeuedJobCanOnlyBeCompletedByItsNewAttempt() {
        JobRecord job = newJob("m");
        store().insertJob(job);
        NodeRecord a = store().registerNode(newNode("m"));
        NodeRecord b = store().registerNode(newNode("m"));
        store().claimJob(job.id(), a.id(), "h1", T0).orElseThrow();
        assertTrue(store().requeueJob(job.id(), 0));
        assertEquals(JobState.PENDING, store().job(job.id()).orElseThrow().state());
        JobRecord second = store().claimJob(job.id(), b.id(), "h2", T0).orElseThrow();
        assertEquals(1, second.attempt());
        assertFalse(store().completeJob(job.id(), a.id(), 0, "stale", 1, 1, "stop", T0));
        assertTrue(store().completeJob(job.id(), b.id(), 1, "Paris", 24, 8, "stop", T0.plusSeconds(2)));
        assertFalse(store().completeJob(job.id(), b.id(), 1, "again", 24, 8, "stop", T0.plusSeconds(3)));
        JobRecord done = store().job(job.id()).orElseThrow();
        assertEquals(JobState.COMPLETED, done.state());
        assertEquals(Optional.of("Paris"), done.content());
        assertEquals(8, done.completionTokens());
        assertFalse(store().failJob(job.id(), Optional.empty(), "timeout", "late", T0));
    }

    @Test
    void aClaimWhoseUploadNeverStartsIsFoundUntilTheNodeOpensItsUpload() {
        JobRecord job = newJob("m");
        store().insertJob(job);
        NodeRecord a = store().registerNode(newNode("m"));
        NodeRecord b = store().registerNode(newNode("m"));
        store().claimJob(job.id(), a.id(), "h1", T0).orElseThrow();
        assertFalse(notStarted(T0).contains(job.id()), "claimed at T0, not before it");
        assertTrue(notStarted(T0.plusSeconds(31)).contains(job.id()));
        assertTrue(store().startUpload(job.id(), "wrong", T0.plusSeconds(1)).isEmpty(), "another stream token");
        assertTrue(notStarted(T0.plusSeconds(31)).contains(job.id()));
        assertEquals(job.id(), store().startUpload(job.id(), "h1", T0.plusSeconds(1)).orElseThrow().id());
        assertTrue(store().startUpload(job.id(), "h1", T0.plusSeconds(2)).isPresent(), "a second upload is let in");
        assertFalse(notStarted(T0.plusSeconds(31)).contains(job.id()));
        // the next attempt starts over: its node has to open its own upload
        assertTrue(store().requeueJob(job.id(), 0));
        assertTrue(store().startUpload(job.id(), "h1", T0.plusSeconds(3)).isEmpty(), "a pending job has no upload");
        store().claimJob(job.id(), b.id(), "h2", T0.plusSeconds(40)).orElseThrow();
        assertTrue(notStarted(T0.plusSeconds(71)).contains(job.id()));
        assertTrue(store().startUpload(job.id(), "h1", T0.plusSeconds(41)).isEmpty(), "the old attempt's token");
        store().startUpload(job.id(), "h2", T0.plusSeconds(41)).orElseThrow();
        assertFalse(notStarted(T0.plusSeconds(71)).contains(job.id()));
    }

    private List<String> notStarted(Instant claimedBefore) {
        return store().claimsNotStarted(claimedBefore).stream().map(JobRecord::id).toList();
    }

    @Test
    void pendingJobsComeOldestFirstAndTheCallerSeesOnlyItsOwnJobs() {
        JobRecord first = JobRecord.pending(uid("job_"), "tok_a", "c", "m", "{}", Optional.empty(), T0);
        JobRecord second = JobRecord.pending(uid("job_"), "tok_a", "c", "m", "{}", Optional.empty(), T0.plusSeconds(1));
        JobRecord other = JobRecord.pending(uid("job_"), "tok_b", "c", "m", "{}", Optional.empty(), T0.plusSeconds(2));
        store().insertJob(second);
        store().insertJob(first);
        store().insertJob(other);
        List<String> mine = store().jobsOfToken("tok_a", 10, Optional.empty(), Optional.empty()).stream()
                .map(JobRecord::id).toList();
        assertEquals(List.of(second.id(), first.id()), mine);
        assertEquals(List.of(second.id()), store().jobsOfToken("tok_a", 10, Optional.of(JobState.PENDING),
                Optional.of(T0.plusSeconds(1))).stream().map(JobRecord::id).toList());
        List<String> pending = store().pendingJobs(1000).stream().map(JobRecord::id).toList();
        assertTrue(pending.indexOf(first.id()) < pending.indexOf(second.id()));
    }

    @Test
    void aJobHasAtMostOneReceiptAndItCreditsTheLedger() {
        NodeRecord n = store().registerNode(newNode("m"));
        ReceiptRecord r = new ReceiptRecord(uid("job_"), n.id(), "m", 100, "{}", 1000, 850, T0);
        assertTrue(store().insertReceipt(r));
        assertFalse(store().insertReceipt(r));
        Earnings e = store().earnings(n.id(), 10);
        assertEquals(850, e.unclaimedMicro());
        assertEquals(0, e.paidOutMicro());
        assertEquals(1, e.jobsCompleted());
        assertEquals(r.jobId(), e.recent().get(0).jobId());
    }

    @Test
    void aRedeemedReceiptMovesItsNetValueFromUnclaimedToPaidOutOnce() {
        NodeRecord n = store().registerNode(newNode("m"));
        NodeRecord other = store().registerNode(newNode("m"));
        ReceiptRecord a = new ReceiptRecord(uid("job_"), n.id(), "m", 100, "{}", 1000, 850, T0);
        ReceiptRecord b = new ReceiptRecord(uid("job_"), n.id(), "m", 200, "{}", 2000, 1700, T0);
        ReceiptRecord theirs = new ReceiptRecord(uid("job_"), other.id(), "m", 100, "{}", 1000, 850, T0);
        store().insertReceipt(a);
        store().insertReceipt(b);
        store().insertReceipt(theirs);
        assertEquals(1, store().markRedeemed(n.id(), List.of(a.jobId(), theirs.jobId(), "job_unknown"), T0));
        assertEquals(0, store().markRedeemed(n.id(), List.of(a.jobId(), a.jobId()), T0), "at most once per receipt");
        Earnings e = store().earnings(n.id(), 10);
        assertEquals(1700, e.unclaimedMicro());
        assertEquals(850, e.paidOutMicro());
        assertEquals(850, store().earnings(other.id(), 10).unclaimedMicro(), "another node's receipt is untouched");
    }

    @Test
    void theRateWindowDeniesTheRequestOverTheLimitAndResetsEachMinute() {
        String key = uid("tok:");
        Instant t = Instant.ofEpochSecond(1_746_020_340L);
        assertEquals(new RateWindow(true, 3, 2, 1_746_020_400L), store().hit(key, 3, t));
        assertEquals(1, store().hit(key, 3, t).remaining());
        assertEquals(0, store().hit(key, 3, t).remaining());
        assertFalse(store().hit(key, 3, t.plusSeconds(10)).allowed());
        assertTrue(store().hit(key, 3, t.plusSeconds(60)).allowed());
    }

    @Test
    void concurrentHitsNeverAdmitMoreThanTheLimit() throws Exception {
        String key = uid("tok:");
        Instant t = Instant.ofEpochSecond(1_746_020_340L);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> allowed = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                allowed.add(pool.submit(() -> store().hit(key, 50, t).allowed()));
            }
            int admitted = 0;
            for (Future<Boolean> a : allowed) {
                admitted += a.get() ? 1 : 0;
            }
            assertEquals(50, admitted, "80 concurrent requests against a limit of 50");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tokensAreFoundByHashUntilRevoked() {
        String hash = UUID.randomUUID().toString().replace("-", "");
        String name = uid("app-");
        store().insertToken(uid("tok_"), name, hash, T0);
        assertTrue(store().tokenByHash(hash).orElseThrow().active());
        assertTrue(store().revokeToken(name, T0));
        assertFalse(store().tokenByHash(hash).orElseThrow().active());
        assertFalse(store().revokeToken(name, T0));
    }

    @Test
    void commandsStayQueuedUntilTheNodeAcknowledgesThem() {
        NodeRecord n = store().registerNode(newNode("m"));
        CommandRecord c = store().queueCommand(n.id(), "model_install", "qwen2.5:7b", T0);
        assertEquals(List.of(c.id()), store().queuedCommands(n.id()).stream().map(CommandRecord::id).toList());
        assertTrue(store().ackCommand(c.id(), n.id(), "running", Optional.of("{}"), Optional.empty()));
        assertTrue(store().queuedCommands(n.id()).isEmpty());
    }

    @Test
    void aRegistrationTokenWorksOnce() {
        String hash = UUID.randomUUID().toString().replace("-", "");
        store().addRegistrationToken(hash, T0);
        assertTrue(store().consumeRegistrationToken(hash, T0));
        assertFalse(store().consumeRegistrationToken(hash, T0));
        assertFalse(store().consumeRegistrationToken("unknown", T0));
    }
}
