package net.infernet.bench.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's first load (issue 16): a control-plane distribution started by {@code distro/bin/infernet}, and
 * {@code bench/src/main/js/dashboard-first-load.mjs} run {@code runs} times, each in a fresh headless Chromium (empty
 * profile, so an empty cache): requests, bytes over the wire (headers included), DOMContentLoaded and the moment the
 * page's first data is drawn, for a cold load and for a repeat load in the same browser. Two pages: the sign-in page
 * a signed-out visitor gets at {@code /dashboard/} (its data: the sign-in methods), and a signed-in client's models
 * page (its data: the models table), when the control plane offers sign-up. Prints every run and the medians.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar net.infernet.bench.dashboard.DashboardLoadBench . 7}
 * (needs Node.js, tools/node_modules with playwright-core, and /usr/bin/chromium)
 */
public final class DashboardLoadBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String[] FIELDS = {"requests", "network_requests", "bytes", "domContentLoaded", "firstData"};

    private DashboardLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path data = Files.createTempDirectory("dashboard-bench");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        ProcessBuilder pb = new ProcessBuilder(root.resolve("distro/bin/infernet").toString(), "control-plane",
                "--port", String.valueOf(port), "--data-dir", data.toString()).redirectErrorStream(true)
                .redirectOutput(data.resolve("console.log").toFile());
        Process cp = pb.start();
        try {
            await(base + "/dashboard/", 120);
            await(base + "/api/v1/health", 120);
            System.out.printf("control plane %s (console %s), %d runs per page%n", base, data.resolve("console.log"),
                    runs);
            report("signed out, /dashboard/ (sign-in page)", measure(root, base, "/dashboard/",
                    "#signin-form[data-loaded]", null, runs));
            Optional<String> cookie = signUp(base);
            if (cookie.isPresent()) {
                report("signed-in client, /dashboard/models", measure(root, base, "/dashboard/models",
                        "#models[data-loaded]", cookie.get(), runs));
            } else {
                System.out.println("(no sign-up on this control plane: the signed-in page is not measured)");
            }
        } finally {
            cp.destroy();
            if (!cp.waitFor(20, TimeUnit.SECONDS)) {
                cp.destroyForcibly();
            }
        }
    }

    private static List<JsonNode> measure(Path root, String base, String path, String ready, String cookie,
            int runs) throws Exception {
        ObjectNode cfg = JSON.createObjectNode().put("base", base).put("tools", root.resolve("tools").toString())
                .put("path", path).put("ready", ready);
        if (cookie != null) {
            cfg.put("cookie", cookie);
        }
        List<JsonNode> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ProcessBuilder pb = new ProcessBuilder("node",
                    root.resolve("bench/src/main/js/dashboard-first-load.mjs").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("DASHBOARD_LOAD", cfg.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("the browser run failed: " + out);
            }
            JsonNode r = JSON.readTree(out);
            System.out.println("  " + path + " run " + (i + 1) + ": " + r);
            results.add(r);
        }
        return results;
    }

    private static void report(String title, List<JsonNode> results) {
        System.out.println(title + ", median of " + results.size() + ":");
        System.out.printf("  %-5s %9s %9s %9s %12s %12s%n", "load", "requests", "network", "bytes", "DCL ms",
                "data ms");
        for (String load : new String[] {"cold", "warm"}) {
            double[] m = new double[FIELDS.length];
            for (int f = 0; f < FIELDS.length; f++) {
                List<Double> v = new ArrayList<>();
                for (JsonNode r : results) {
                    v.add(r.get(load).get(FIELDS[f]).asDouble());
                }
                v.sort(null);
                int n = v.size();
                m[f] = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
            }
            System.out.printf("  %-5s %9.0f %9.0f %9.0f %12.1f %12.1f%n", load, m[0], m[1], m[2], m[3], m[4]);
        }
    }

    /** A client account through {@code POST /api/v1/auth/signup}: its session cookie, if the control plane has one. */
    private static Optional<String> signUp(String base) throws Exception {
        String body = "{\"email\":\"bench@example.test\",\"password\":\"correct horse battery\",\"role\":\"client\"}";
        HttpResponse<String> r;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do { // 503 while the control plane's components are still starting
            r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/signup"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } while (r.statusCode() == 503 && System.nanoTime() < deadline && sleep());
        if (r.statusCode() != 201) {
            return Optional.empty();
        }
        for (String c : r.headers().allValues("Set-Cookie")) {
            Matcher m = Pattern.compile("infernet_session=([^;]+)").matcher(c);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static void await(String url, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(url + " did not answer 200 within " + seconds + " s");
    }
}
