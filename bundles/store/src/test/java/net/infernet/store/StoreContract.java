package net.infernet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                NodeRecord.APPROVED, T0, Optional.empty(), 0, 1, 0, Optional.empty(), Optional.empty(), Optional.empty());
    }

    JobRecord newJob(String model) {
        return JobRecord.pending(uid("job_"), "tok_1", "client", model, "{}", Optional.empty(), T0);
    }

    /** Stores one pending job (a group commit of one). */
    JobRecord insert(JobRecord job) {
        return store().insertJobs(List.of(job)).get(0).orElseThrow();
    }

    /** Stores one job already claimed by {@code nodeId}, as the dispatch fast path does; empty for an unknown node. */
    Optional<JobRecord> insertClaimed(JobRecord job, String nodeId) {
        return store().insertJobs(List.of(job.claimedBy(nodeId, T0))).get(0);
    }

    boolean complete(String jobId, String nodeId, int attempt, String content, int prompt, int completion,
            Instant at, Optional<ReceiptRecord> receipt) {
        return store().completeJobs(List.of(new JobCompletion(jobId, nodeId, attempt, content, prompt, completion,
                "stop", at, receipt))).get(0);
    }

    static Heartbeat heartbeat(String nodeId, Instant at, List<String> models, int active, int max, double tps) {
        return new Heartbeat(nodeId, at, true, models, active, max, Optional.of(tps), Optional.of("base"),
                Optional.of("0xabc"));
    }

    @Test
    void aKeyRegisteredTwiceKeepsItsFirstId() {
        NodeRecord n = newNode("qwen2.5:7b");
        assertEquals(n.id(), store().registerNode(n).id());
        NodeRecord again = new NodeRecord(uid("node_"), n.publicKey(), "other", "x", 1, "cpu", "[]", List.of(), "x",
                NodeRecord.APPROVED, T0, Optional.empty(), 0, 1, 0, Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals(n.id(), store().registerNode(again).id());
        assertEquals(List.of("qwen2.5:7b", "llama3.2:3b"), store().node(n.id()).orElseThrow().servedModels());
    }

    @Test
    void heartbeatMakesANodeOnlineAndRecordsItsLoad() {
        NodeRecord n = store().registerNode(newNode("m"));
        assertFalse(n.online(T0, java.time.Duration.ofSeconds(90)));
        store().heartbeats(List.of(heartbeat(n.id(), T0, List.of("m2"), 1, 4, 55.5)));
        NodeRecord after = store().node(n.id()).orElseThrow();
        assertTrue(after.online(T0.plusSeconds(90), java.time.Duration.ofSeconds(90)));
        assertFalse(after.online(T0.plusSeconds(91), java.time.Duration.ofSeconds(90)));
        assertEquals(List.of("m2"), after.servedModels());
        assertEquals(4, after.maxJobs());
        assertEquals(55.5, after.tokensPerSecond());
        assertEquals(Optional.of("0xabc"), after.payoutAddress());
        // a goodbye takes it offline at once
        store().heartbeats(List.of(new Heartbeat(n.id(), T0.plusSeconds(1), false, List.of("m2"), 0, 4,
                Optional.empty(), Optional.empty(), Optional.empty())));
        assertFalse(store().node(n.id()).orElseThrow().online(T0.plusSeconds(1), java.time.Duration.ofSeconds(90)));
    }

    @Test
    void heartbeatsOfManyNodesAreWrittenTogether() {
        NodeRecord a = store().registerNode(newNode("m"));
        NodeRecord b = store().registerNode(newNode("m"));
        store().heartbeats(List.of(heartbeat(a.id(), T0, List.of("x"), 0, 2, 10), heartbeat(b.id(), T0, List.of("y"),
                1, 3, 20), heartbeat("node_unknown", T0, List.of("z"), 0, 1, 1)));
        assertEquals(List.of("x"), store().node(a.id()).orElseThrow().servedModels());
        assertEquals(3, store().node(b.id()).orElseThrow().maxJobs());
    }

    @Test
    void aJobIsClaimedByExactlyOneOfManyConcurrentClaimers() throws Exception {
        JobRecord job = insert(newJob("m"));
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
            store().claimJob(job.id(), n.id(), T0).ifPresent(j -> winners.add(n.id()));
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
        JobRecord first = insert(newJob("m"));
        assertEquals(0, store().job(first.id()).orElseThrow().receiptSerial(), "no serial before a node gets it");
        JobRecord fast = insertClaimed(newJob("m"), a.id()).orElseThrow();
        assertTrue(fast.receiptSerial() > 0);
        assertEquals(fast.receiptSerial(), store().job(fast.id()).orElseThrow().receiptSerial());
        long serial = store().claimJob(first.id(), a.id(), T0).orElseThrow().receiptSerial();
        assertEquals(fast.receiptSerial() + 1, serial, "the next serial of a's block");
        // claimed by a, given back, claimed by b: the same serial, so only one of its receipts can ever be paid
        assertTrue(store().requeueJob(first.id(), 0));
        assertEquals(serial, store().claimJob(first.id(), b.id(), T0).orElseThrow().receiptSerial());
        assertEquals(serial, store().job(first.id()).orElseThrow().receiptSerial());
        assertTrue(insertClaimed(newJob("m"), "node_unknown").isEmpty());
    }

    @Test
    void eachNodeTakesItsSerialsFromItsOwnBlockOf256() {
        NodeRecord a = store().registerNode(newNode("m"));
        NodeRecord b = store().registerNode(newNode("m"));
        List<Long> ofA = new ArrayList<>();
        List<Long> ofB = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // the nodes take turns, as they do on a busy network
            ofA.add(insertClaimed(newJob("m"), a.id()).orElseThrow().receiptSerial());
            JobRecord pending = insert(newJob("m"));
            ofB.add(store().claimJob(pending.id(), b.id(), T0).orElseThrow().receiptSerial());
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
        JobRecord job = insert(newJob("m"));
        NodeRecord a = store().registerNode(newNode("m"));
        NodeRecord b = store().registerNode(newNode("m"));
        store().claimJob(job.id(), a.id(), T0).orElseThrow();
        assertTrue(store().requeueJob(job.id(), 0));
        assertEquals(JobState.PENDING, store().job(job.id()).orElseThrow().state());
        JobRecord second = store().claimJob(job.id(), b.id(), T0).orElseThrow();
        assertEquals(1, second.attempt());
        assertFalse(complete(job.id(), a.id(), 0, "stale", 1, 1, T0, Optional.empty()));
        assertTrue(complete(job.id(), b.id(), 1, "Paris", 24, 8, T0.plusSeconds(2), Optional.empty()));
        assertFalse(complete(job.id(), b.id(), 1, "again", 24, 8, T0.plusSeconds(3), Optional.empty()));
        JobRecord done = store().job(job.id()).orElseThrow();
        assertEquals(JobState.COMPLETED, done.state());
        assertEquals(Optional.of("Paris"), done.content());
        assertEquals(8, done.completionTokens());
        assertFalse(store().failJob(job.id(), Optional.empty(), "timeout", "late", T0));
    }

    @Test
    void completionsArrivingTogetherCommitTogetherEachWithItsReceiptAndCredit() {
        NodeRecord n = store().registerNode(newNode("m"));
        JobRecord a = insertClaimed(newJob("m"), n.id()).orElseThrow();
        JobRecord b = insertClaimed(newJob("m"), n.id()).orElseThrow();
        JobRecord stale = insertClaimed(newJob("m"), n.id()).orElseThrow();
        ReceiptRecord ra = new ReceiptRecord(a.id(), n.id(), "m", 8, "{\"a\":1}", 1000, 850, T0);
        ReceiptRecord rs = new ReceiptRecord(stale.id(), n.id(), "m", 8, "{}", 1000, 850, T0);
        List<Boolean> taken = store().completeJobs(List.of(
                new JobCompletion(a.id(), n.id(), 0, "A", 4, 8, "stop", T0, Optional.of(ra)),
                new JobCompletion(b.id(), n.id(), 0, "B", 4, 0, "stop", T0, Optional.empty()),
                new JobCompletion(stale.id(), n.id(), 7, "late", 4, 8, "stop", T0, Optional.of(rs))));
        assertEquals(List.of(true, true, false), taken);
        assertEquals(Optional.of("A"), store().job(a.id()).orElseThrow().content());
        assertEquals(JobState.COMPLETED, store().job(b.id()).orElseThrow().state());
        assertEquals(JobState.PROCESSING, store().job(stale.id()).orElseThrow().state());
        assertEquals("{\"a\":1}", store().receipt(a.id()).orElseThrow().canonicalJson());
        assertTrue(store().receipt(stale.id()).isEmpty(), "a completion not taken writes no receipt");
        assertEquals(850, store().earnings(n.id(), 10).unclaimedMicro(), "one credit, for the job that completed");
    }

    @Test
    void acceptedJobsArrivingTogetherAreStoredTogether() {
        NodeRecord n = store().registerNode(newNode("m"));
        JobRecord pending = newJob("m");
        JobRecord claimed = newJob("m");
        JobRecord orphan = newJob("m");
        List<Optional<JobRecord>> stored = store().insertJobs(List.of(pending, claimed.claimedBy(n.id(), T0),
                orphan.claimedBy("node_unknown", T0)));
        assertEquals(JobState.PENDING, stored.get(0).orElseThrow().state());
        assertEquals(JobState.PROCESSING, stored.get(1).orElseThrow().state());
        assertTrue(stored.get(1).orElseThrow().receiptSerial() > 0);
        assertTrue(stored.get(2).isEmpty(), "a job for an unknown node is not stored");
        assertEquals(stored.get(1).orElseThrow(), store().job(claimed.id()).orElseThrow());
        assertEquals(stored.get(0).orElseThrow(), store().job(pending.id()).orElseThrow());
        assertTrue(store().job(orphan.id()).isEmpty());
    }

    @Test
    void pendingJobsComeOldestFirstAndTheCallerSeesOnlyItsOwnJobs() {
        JobRecord first = JobRecord.pending(uid("job_"), "tok_a", "c", "m", "{}", Optional.empty(), T0);
        JobRecord second = JobRecord.pending(uid("job_"), "tok_a", "c", "m", "{}", Optional.empty(), T0.plusSeconds(1));
        JobRecord other = JobRecord.pending(uid("job_"), "tok_b", "c", "m", "{}", Optional.empty(), T0.plusSeconds(2));
        insert(second);
        insert(first);
        insert(other);
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
    void hitsAddUpPerWindowAndAWindowStartsAgainEachMinute() {
        String key = uid("tok:");
        String other = uid("tok:");
        long w = 1_746_020_340L;
        assertEquals(Map.of(key, 3L, other, 1L), store().addHits(w, Map.of(key, 3L, other, 1L)));
        assertEquals(Map.of(key, 5L), store().addHits(w, Map.of(key, 2L)));
        assertEquals(Map.of(key, 1L), store().addHits(w + 60, Map.of(key, 1L)), "a new minute starts from zero");
    }

    @Test
    void concurrentFlushesOfTheSameKeysLoseNoHit() throws Exception {
        String key = uid("tok:");
        String other = uid("tok:");
        long w = 1_746_020_340L;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Map<String, Long>>> flushes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                flushes.add(pool.submit(() -> store().addHits(w, Map.of(key, 2L, other, 1L))));
            }
            long highest = 0;
            for (Future<Map<String, Long>> f : flushes) {
                highest = Math.max(highest, f.get().get(key));
            }
            assertEquals(80, highest, "40 flushes of 2 hits each, from 8 threads (instances) at once");
            assertEquals(Map.of(other, 41L), store().addHits(w, Map.of(other, 1L)));
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
        assertFalse(store().tokenByHash(hash).orElseThrow().admin(), "a client token");
        String adminHash = UUID.randomUUID().toString().replace("-", "");
        store().insertToken(uid("tok_"), uid("admin-"), adminHash, true, T0);
        assertTrue(store().tokenByHash(adminHash).orElseThrow().admin());
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

    @Test
    void pointsAddUpPerOperatorKindAndEpochAndEpochsAreIsoWeeks() {
        assertEquals(0, PointsStore.epochOf(Instant.parse("1970-01-05T00:00:00Z")));
        assertEquals(0, PointsStore.epochOf(Instant.parse("1970-01-11T23:59:59Z")));
        assertEquals(-1, PointsStore.epochOf(Instant.parse("1970-01-04T23:59:59Z")));
        long epoch = PointsStore.epochOf(Instant.parse("2026-12-07T12:00:00Z")); // a Monday
        assertEquals(Instant.parse("2026-12-07T00:00:00Z"), PointsStore.epochStart(epoch));
        // an epoch of its own per run: tests sharing one PostgreSQL database never see each other's points
        long mine = 1_000_000 + Math.floorMod(UUID.randomUUID().getMostSignificantBits(), 1_000_000_000L);
        String a = uid("op-a-");
        String b = uid("op-b-");
        store().addPoints(List.of(
                new PointsStore.PointsEntry(a, mine, PointsStore.COMPUTE, 120, Optional.empty(), T0),
                new PointsStore.PointsEntry(a, mine, PointsStore.COMPUTE, 30, Optional.empty(), T0),
                new PointsStore.PointsEntry(a, mine, PointsStore.AWARD, 50, Optional.of("wrote the guide"), T0),
                new PointsStore.PointsEntry(b, mine, PointsStore.UPTIME, 24, Optional.empty(), T0),
                new PointsStore.PointsEntry(a, mine + 1, PointsStore.COMPUTE, 7, Optional.empty(), T0)));
        assertEquals(Map.of(PointsStore.AWARD, 50L, PointsStore.COMPUTE, 150L), store().points(a, mine));
        assertEquals(Map.of(PointsStore.UPTIME, 24L), store().points(b, mine));
        assertEquals(224, store().epochTotal(mine));
        assertEquals(Map.of(), store().points(b, mine + 1));
        store().addPoints(List.of()); // nothing to add: no transaction
    }

    AccountRecord newAccount(Optional<String> email, Optional<String> nostr) {
        return new AccountRecord(uid("acc_"), email, email.map(e -> "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
                nostr, AccountRecord.CLIENT, Optional.empty(), Optional.empty(), T0);
    }

    @Test
    void anEmailOrANostrKeyHasOneAccountAndEmailsCompareInLowerCase() {
        String email = uid("u") + "@example.org";
        String nostr = uid("").repeat(4);
        AccountRecord a = newAccount(Optional.of(email), Optional.empty());
        assertTrue(store().insertAccount(a));
        assertFalse(store().insertAccount(newAccount(Optional.of(email.toUpperCase()), Optional.empty())),
                "the same email in other case");
        assertEquals(a.id(), store().accountByEmail(email.toUpperCase()).orElseThrow().id());
        AccountRecord n = newAccount(Optional.empty(), Optional.of(nostr));
        assertTrue(store().insertAccount(n));
        assertFalse(store().insertAccount(newAccount(Optional.empty(), Optional.of(nostr))));
        assertEquals(n.id(), store().accountByNostr(nostr).orElseThrow().id());
        assertTrue(store().setRole(n.id(), AccountRecord.OPERATOR));
        assertTrue(store().setWebhooks(n.id(), Optional.of("https://hooks.slack.com/x"), Optional.empty()));
        AccountRecord read = store().account(n.id()).orElseThrow();
        assertEquals(AccountRecord.OPERATOR, read.role());
        assertEquals(Optional.of("https://hooks.slack.com/x"), read.slackUrl());
        assertEquals(Optional.empty(), read.discordUrl());
        assertFalse(store().setRole("acc_unknown", AccountRecord.ADMIN));
        assertTrue(store().accountsWithWebhooks().stream().anyMatch(x -> x.id().equals(n.id())));
        assertTrue(store().accountsWithWebhooks().stream().noneMatch(x -> x.id().equals(a.id())), "no webhook");
        assertTrue(store().accounts(100_000).stream().anyMatch(x -> x.id().equals(a.id())));
    }

    @Test
    void anOutsideIdentitySignsInToTheOneAccountItCreated() {
        String login = "https://idp.example " + uid("sub-");
        AccountRecord a = newAccount(Optional.of(uid("o") + "@example.org"), Optional.empty());
        assertTrue(store().accountByLogin(login).isEmpty());
        assertTrue(store().insertAccountWithLogin(a, login));
        assertEquals(a.id(), store().accountByLogin(login).orElseThrow().id());
        assertEquals(a.email(), store().accountByLogin(login).orElseThrow().email());
        assertFalse(store().insertAccountWithLogin(newAccount(Optional.empty(), Optional.empty()), login),
                "one account per identity");
        String other = "https://idp.example " + uid("sub-");
        assertFalse(store().insertAccountWithLogin(newAccount(a.email(), Optional.empty()), other), "email taken");
        assertTrue(store().accountByLogin(other).isEmpty(), "nothing written");
    }

    @Test
    void aNonceIsClaimedOnceEvenByRacingInstancesAndPurgedAfterItsTime() throws Exception {
        String nonce = uid("n").repeat(3);
        assertTrue(store().claimNonce(nonce, T0.plusSeconds(300)));
        assertFalse(store().claimNonce(nonce, T0.plusSeconds(300)), "a replay");
        String raced = uid("r").repeat(3);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                claims.add(pool.submit(() -> {
                    go.await();
                    return store().claimNonce(raced, T0.plusSeconds(300));
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> f : claims) {
                won += f.get() ? 1 : 0;
            }
            assertEquals(1, won, "exactly one of eight racing instances accepts it");
        } finally {
            pool.shutdownNow();
        }
        assertTrue(store().purgeNonces(T0.plusSeconds(301)) >= 2);
        assertTrue(store().claimNonce(nonce, T0.plusSeconds(900)), "forgotten after its time");
    }

    @Test
    void pricesKeepTheirHistoryInEffectiveOrder() {
        String model = uid("m-");
        store().addPrice(new PriceRecord(model, Optional.of(3000L), T0.plusSeconds(60), T0));
        store().addPrice(new PriceRecord(model, Optional.empty(), T0.plusSeconds(120), T0.plusSeconds(1)));
        store().addPrice(new PriceRecord(model, Optional.of(1000L), T0.plusSeconds(10), T0.plusSeconds(2)));
        List<PriceRecord> mine = store().prices().stream().filter(p -> p.model().equals(model)).toList();
        assertEquals(List.of(Optional.of(1000L), Optional.of(3000L), Optional.<Long>empty()),
                mine.stream().map(PriceRecord::rateMicro).toList());
        assertEquals(T0.plusSeconds(10), mine.get(0).effectiveFrom());
    }

    @Test
    void aSessionIsFoundUntilItExpiresOrIsDeleted() {
        String hash = uid("s").repeat(3);
        store().insertSession(hash, new SessionRecord("acc_1", "csrf1", T0, T0.plusSeconds(60)));
        assertEquals("csrf1", store().session(hash, T0.plusSeconds(59)).orElseThrow().csrf());
        assertTrue(store().session(hash, T0.plusSeconds(60)).isEmpty(), "expired at its expiry");
        assertTrue(store().deleteExpiredSessions(T0.plusSeconds(61)) >= 1);
        String other = uid("s").repeat(3);
        store().insertSession(other, new SessionRecord("acc_1", "csrf2", T0, T0.plusSeconds(60)));
        store().deleteSession(other);
        assertTrue(store().session(other, T0).isEmpty());
    }

    @Test
    void anAccountSeesAndRevokesOnlyItsOwnKeysAndItsUsagePerDayKeyAndModel() {
        String acc = uid("acc_");
        String mine = uid("tok_");
        String theirs = uid("tok_");
        store().insertToken(mine, "laptop", uid("h"), false, Optional.of(acc), T0);
        store().insertToken(theirs, "other", uid("h"), false, Optional.of(uid("acc_")), T0);
        assertEquals(List.of(mine), store().tokensOfAccount(acc).stream().map(TokenRecord::id).toList());
        assertEquals(Optional.of(acc), store().tokensOfAccount(acc).get(0).accountId());
        assertFalse(store().revokeAccountToken(acc, theirs, T0), "another account's key");
        assertTrue(store().revokeAccountToken(acc, mine, T0));
        assertFalse(store().revokeAccountToken(acc, mine, T0), "already revoked");

        Instant day1 = Instant.parse("2026-12-06T23:59:00Z");
        Instant day2 = Instant.parse("2026-12-07T00:01:00Z");
        NodeRecord n = store().registerNode(newNode("m"));
        for (Instant at : List.of(day1, day2, day2)) {
            JobRecord j = insertClaimed(JobRecord.pending(uid("job_"), mine, acc, "m", "{}", Optional.empty(), at),
                    n.id()).orElseThrow();
            assertTrue(complete(j.id(), n.id(), 0, "hi", 10, 4, at, Optional.empty()));
        }
        insert(JobRecord.pending(uid("job_"), "tok_x", uid("acc_"), "m", "{}", Optional.empty(), day2));
        List<UsageRow> usage = store().usage(acc, day1.minusSeconds(3600));
        assertEquals(List.of(new UsageRow(day1.getEpochSecond() / 86400, mine, "m", 1, 10, 4),
                new UsageRow(day2.getEpochSecond() / 86400, mine, "m", 2, 20, 8)), usage);
        assertEquals(List.of(new UsageRow(day2.getEpochSecond() / 86400, mine, "m", 2, 20, 8)),
                store().usage(acc, day2.minusSeconds(1)));
        assertEquals(3, store().jobsOfNodes(List.of(n.id(), "node_other"), 10).size());
        assertEquals(day2, store().jobsOfNodes(List.of(n.id()), 1).get(0).createdAt());
        assertEquals(List.of(), store().jobsOfNodes(List.of(), 10));
        List<JobRecord> jobs = store().jobsOfClient(acc, 2);
        assertEquals(2, jobs.size());
        assertEquals(day2, jobs.get(0).createdAt());
    }

    @Test
    void dailyEarningsSumTheReceiptsOfTheGivenNodesPerDay() {
        NodeRecord a = store().registerNode(newNode("m"));
        NodeRecord b = store().registerNode(newNode("m"));
        NodeRecord other = store().registerNode(newNode("m"));
        Instant day1 = Instant.parse("2026-12-06T10:00:00Z");
        Instant day2 = Instant.parse("2026-12-07T10:00:00Z");
        assertTrue(store().insertReceipt(new ReceiptRecord(uid("job_"), a.id(), "m", 8, "{}", 1000, 850, day1)));
        assertTrue(store().insertReceipt(new ReceiptRecord(uid("job_"), b.id(), "m", 8, "{}", 1000, 850, day2)));
        assertTrue(store().insertReceipt(new ReceiptRecord(uid("job_"), a.id(), "m", 8, "{}", 2000, 1700, day2)));
        assertTrue(store().insertReceipt(new ReceiptRecord(uid("job_"), other.id(), "m", 8, "{}", 1000, 850, day2)));
        assertEquals(List.of(new DailyEarning(day1.getEpochSecond() / 86400, 1, 850),
                new DailyEarning(day2.getEpochSecond() / 86400, 2, 2550)),
                store().dailyEarnings(List.of(a.id(), b.id()), day1.minusSeconds(60)));
        assertEquals(List.of(), store().dailyEarnings(List.of(), day1));
        Earnings both = store().earnings(List.of(a.id(), b.id()));
        assertEquals(3400, both.unclaimedMicro(), "the credits of a and b, not of the other node");
        assertEquals(0, both.paidOutMicro());
        assertEquals(3, both.jobsCompleted());
        assertEquals(1, store().markRedeemed(a.id(), List.of(store().earnings(a.id(), 5).recent().get(0).jobId()),
                day2));
        Earnings after = store().earnings(List.of(a.id(), b.id()));
        assertEquals(3400, after.unclaimedMicro() + after.paidOutMicro(), "a payout moves, never adds");
        assertTrue(after.paidOutMicro() > 0);
        assertEquals(new Earnings(0, 0, 0, List.of()), store().earnings(List.of()));
    }

    @Test
    void aNodesCommandsComeNewestFirstInEveryState() {
        NodeRecord n = store().registerNode(newNode("m"));
        CommandRecord first = store().queueCommand(n.id(), "model_install", "a", T0);
        CommandRecord second = store().queueCommand(n.id(), "model_remove", "b", T0.plusSeconds(1));
        assertTrue(store().ackCommand(first.id(), n.id(), "completed", Optional.of("{\"pct\":100}"), Optional.empty()));
        List<CommandRecord> all = store().commands(n.id(), 10);
        assertEquals(List.of(second.id(), first.id()), all.stream().map(CommandRecord::id).toList());
        assertEquals("completed", all.get(1).status());
        assertEquals(1, store().commands(n.id(), 1).size());
    }
}
