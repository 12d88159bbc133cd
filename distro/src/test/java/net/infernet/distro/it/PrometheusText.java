package net.infernet.distro.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A scrape of {@code /metrics}, parsed by the npm {@code parse-prometheus-text-format} parser (installed by the tools
 * module into tools/node_modules): the families as that parser reads the text, not as the writer meant it.
 */
final class PrometheusText {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final JsonNode families;

    private PrometheusText(JsonNode families) {
        this.families = families;
    }

    static PrometheusText scrape(String base) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain")) {
            throw new AssertionError("/metrics answered " + r.statusCode() + " " + r.headers().map());
        }
        return parse(r.body());
    }

    static PrometheusText parse(String text) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("node", "-e", "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>"
                + "process.stdout.write(JSON.stringify(require('parse-prometheus-text-format')(s))))")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_PATH", nodeModules().toString());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("the Prometheus text parser failed on:\n" + text);
        }
        return new PrometheusText(ClientApi.JSON.readTree(out));
    }

    /** The value of the family's sample whose labels include all of {@code labels}; 0 when there is none. */
    double value(String family, Map<String, String> labels) {
        for (JsonNode f : families) {
            String name = f.path("name").asText();
            if (!name.equals(family) && !(name + "_total").equals(family)) { // a counter's family lacks _total
                continue;
            }
            for (JsonNode m : f.path("metrics")) {
                boolean all = labels.entrySet().stream()
                        .allMatch(e -> e.getValue().equals(m.path("labels").path(e.getKey()).asText(null)));
                if (all) {
                    return m.has("value") ? Double.parseDouble(m.get("value").asText())
                            : Double.parseDouble(m.path("count").asText("0"));
                }
            }
        }
        return 0;
    }

    double value(String family) {
        return value(family, Map.of());
    }

    /** tools/node_modules of the checkout, for {@code NODE_PATH}. */
    static Path nodeModules() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("tools/node_modules/parse-prometheus-text-format"))) {
                return dir.resolve("tools/node_modules");
            }
        }
        throw new AssertionError("tools/node_modules/parse-prometheus-text-format is missing: run the tools module");
    }
}
