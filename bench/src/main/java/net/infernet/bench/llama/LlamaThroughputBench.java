package net.infernet.bench.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.infernet.backend.llamacpp.gguf.DemoModel;

/**
 * Embedded llama.cpp throughput through the full node path against the same model called directly (issue 5).
 *
 * <p>Node path: the real all-in-one distribution ({@code distro/target/all-in-one.jar}) in its own JVM with
 * {@code INFERNET_DEMO=true}: client → control plane → node (long-poll claim) → embedded llama.cpp → per-token
 * NDJSON upload → control plane → SSE to the client, all on loopback. Direct: {@code de.kherud:llama} in this JVM
 * on the same demo model with the same parameters (greedy, {@code cache_prompt=false}, same threads and context).
 * Runs alternate between the two paths so both see the same machine state.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar net.infernet.bench.llama.LlamaThroughputBench
 * [all-in-one.jar=distro/target/all-in-one.jar] [tokens=1000] [runs=5] [threads=all cores]}
 *
 * <p>Reported: steady tokens/s = (n-1) / (last token - first token) as the receiver sees them, and end-to-end
 * tokens/s = n / (request sent - stream ended), per path, with the ratio node/direct; then the resident memory of
 * the all-in-one process (node + control plane with the model loaded).
 */
public final class LlamaThroughputBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("export INFERNET_TOKEN=(inf_[0-9a-f]{48})");
    private static final String PROMPT = "Write a long story about a benchmark.";

    private LlamaThroughputBench() {
    }

    /** One generation as its receiver saw it. */
    record Run(int tokens, long sentNs, long firstNs, long lastNs, long endNs) {
        double steady() {
            return (tokens - 1) / ((lastNs - firstNs) / 1e9);
        }

        double endToEnd() {
            return tokens / ((endNs - sentNs) / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "distro/target/all-in-one.jar");
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        // all cores is what the embedded backend uses by default; fewer leaves CPU to the relay on small machines
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("infernet-llama-bench");
        Process node = null;
        int status = 1;
        try {
            System.setProperty("de.kherud.llama.tmpdir", Files.createDirectories(dir.resolve("native")).toString());
            Path tiny = dir.resolve("direct").resolve(DemoModel.FILE_NAME);
            DemoModel.write(tiny);
            // a bigger random model runs at the speed of a real one on a GPU (hundreds of tokens/s, not thousands)
            Path small = dir.resolve("direct").resolve(SMALL + ".gguf");
            DemoModel.write(small, SMALL, SMALL_SHAPE);
            Files.createDirectories(dir.resolve("node").resolve("models"));
            Files.copy(small, dir.resolve("node").resolve("models").resolve(SMALL + ".gguf"));
            node = startAllInOne(jar, dir.resolve("node"), threads);
            NodePath path = NodePath.await(node, dir.resolve("node").resolve("console.log"));
            compare(path, tiny, DemoModel.NAME, tokens, runs, threads);
            compare(path, small, SMALL, Math.max(50, tokens / 5), runs, threads);
            System.out.printf("all-in-one resident memory after the runs: %d MB (node + control plane + both models loaded)%n",
                    rssKb(node.pid()) / 1024);
            status = 0;
        } finally {
            if (node != null) {
                node.destroy(); // SIGTERM: the distribution's graceful stop
                if (!node.waitFor(15, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
        }
        System.exit(status); // de.kherud:llama leaves a non-daemon native thread behind (its issue #116)
    }

    private static final String SMALL = "infernet-bench-small";
    private static final DemoModel.Shape SMALL_SHAPE = new DemoModel.Shape(512, 4, 8, 1408);

    /** Alternating runs of one model, direct and through the node; prints the comparison. */
    private static void compare(NodePath path, Path file, String name, int tokens, int runs, int threads)
            throws Exception {
        try (LlamaModel direct = new LlamaModel(new ModelParameters().setModel(file.toString())
                .setThreads(threads).setThreadsBatch(threads).setCtxSize(4096).setParallel(1).disableLog())) {
            for (int i = 0; i < 2; i++) { // warm-up: JIT, model load in the node, first-call costs
                direct(direct, tokens);
                path.job(name, tokens);
            }
            List<Run> d = new ArrayList<>();
            List<Run> n = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                d.add(direct(direct, tokens));
                n.add(path.job(name, tokens));
            }
            report(name, file, d, n, tokens, threads);
        }
    }

    private static Run direct(LlamaModel model, int tokens) {
        InferenceParameters p = new InferenceParameters("").setNPredict(tokens).setCachePrompt(false)
                .setTemperature(0f).setTopK(1);
        p.setMessages("", List.of(new Pair<>("user", PROMPT)));
        long sent = System.nanoTime();
        p.setPrompt(model.applyTemplate(p));
        LlamaIterator it = model.generate(p).iterator();
        long first = 0;
        long last = 0;
        int n = 0;
        while (it.hasNext()) {
            it.next();
            if (!it.hasNext()) {
                break; // the final answer carries no token
            }
            last = System.nanoTime();
            if (n++ == 0) {
                first = last;
            }
        }
        return new Run(n, sent, first, last, System.nanoTime());
    }

    private static void report(String name, Path file, List<Run> direct, List<Run> node, int tokens, int threads)
            throws IOException {
        System.out.printf("%nmodel %s (%d MB), %d tokens per job (greedy), %d threads, %d runs per path, "
                + "alternating%n", name, Files.size(file) >> 20, tokens, threads, direct.size());
        System.out.printf("%-10s %16s %16s %16s %16s%n", "path", "steady tok/s", "(min..max)", "e2e tok/s",
                "(min..max)");
        double ds = line("direct", direct);
        double ns = line("node", node);
        double de = median(direct.stream().map(Run::endToEnd).toList());
        double ne = median(node.stream().map(Run::endToEnd).toList());
        System.out.printf("node/direct: steady %.1f%%, end-to-end %.1f%% (target >= 95%%)%n", 100 * ns / ds,
                100 * ne / de);
    }

    private static double line(String name, List<Run> runs) {
        List<Double> s = runs.stream().map(Run::steady).toList();
        List<Double> e = runs.stream().map(Run::endToEnd).toList();
        double median = median(s);
        System.out.printf("%-10s %16.0f %16s %16.0f %16s%n", name, median, String.format("(%.0f..%.0f)",
                min(s), max(s)), median(e), String.format("(%.0f..%.0f)", min(e), max(e)));
        return median;
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** The all-in-one distribution as {@code infernet up --demo} runs it, on a free port and a private data dir. */
    private static Process startAllInOne(Path jar, Path data, int threads) throws IOException {
        Files.createDirectories(data.resolve("deploy"));
        // the backend's typed configuration, as an operator would set it: a .cfg file in the watched folder
        Files.writeString(data.resolve("deploy").resolve("net.infernet.backend.llamacpp.embedded.cfg"),
                "threads=" + threads + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions(jar));
        cmd.addAll(List.of("-Dorg.osgi.service.http.port=" + port, "-Dinfernet.data.dir=" + data,
                "-Dinfernet.config.dir=" + data.resolve("config"), "-Dfelix.fileinstall.dir=" + data.resolve("deploy"),
                "-Dinfernet.env.INFERNET_DEMO=true", "-jar", jar.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(data.resolve("console.log").toFile()).start();
    }

    /** distro/jvm.options and all-in-one.jvm.options next to the jar's distro folder, as the launcher reads them. */
    private static List<String> jvmOptions(Path jar) throws IOException {
        List<String> opts = new ArrayList<>();
        Path distro = jar.toAbsolutePath().getParent().getParent();
        for (String f : List.of("jvm.options", "all-in-one.jvm.options")) {
            Path p = distro.resolve(f);
            if (Files.isRegularFile(p)) {
                Files.readAllLines(p).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .forEach(opts::add);
            }
        }
        return opts;
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** The client side of the node path: the bootstrap token from the console and streamed jobs. */
    private record NodePath(URI base, String token, HttpClient http) {
        static NodePath await(Process p, Path console) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String token = null;
            URI base = null;
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            while (System.nanoTime() < deadline && p.isAlive()) {
                String out = Files.readString(console);
                Matcher m = TOKEN.matcher(out);
                Matcher port = Pattern.compile("curl -N (http://127\\.0\\.0\\.1:\\d+)/").matcher(out);
                if (token == null && m.find() && port.find()) {
                    token = m.group(1);
                    base = URI.create(port.group(1));
                }
                if (token != null && served(http, base, token)) {
                    return new NodePath(base, token, http);
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("the all-in-one distribution did not serve the demo model; see " + console);
        }

        private static boolean served(HttpClient http, URI base, String token) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/models"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains(DemoModel.NAME);
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }

        Run job(String model, int tokens) throws Exception {
            ObjectNode body = JSON.createObjectNode();
            body.put("model", model);
            body.putArray("messages").addObject().put("role", "user").put("content", PROMPT);
            body.put("max_tokens", tokens);
            body.put("temperature", 0);
            body.put("stream", true);
            HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/v1/jobs"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            long sent = System.nanoTime();
            HttpResponse<java.util.stream.Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            long first = 0;
            long last = 0;
            int n = 0;
            boolean done = false;
            Iterator<String> lines = r.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data: {\"text\"")) {
                    last = System.nanoTime();
                    if (n++ == 0) {
                        first = last;
                    }
                } else if (line.startsWith("data: {\"job_id\"")) {
                    continue; // the stream's first event names the job
                } else if (line.equals("data: [DONE]")) {
                    done = true;
                    break;
                } else if (line.startsWith("data: ")) {
                    JsonNode err = JSON.readTree(line.substring(6));
                    throw new IllegalStateException("job failed: " + err);
                }
            }
            r.body().close();
            if (!done || n != tokens) {
                throw new IllegalStateException("stream ended after " + n + " of " + tokens + " tokens");
            }
            return new Run(n, sent, first, last, System.nanoTime());
        }
    }
}
