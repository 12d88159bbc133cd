package net.infernet.controlplane.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** An application calling the client API with a bearer token. */
public final class Client {
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();

    public Client(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> postBytes(String path, byte[] body) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens an SSE stream (GET, or POST when {@code json} is given); events arrive in {@link Events}. */
    public Events stream(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).header("Accept", "text/event-stream");
        b = json == null ? b.GET() : b.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        return new Events(r);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    /**
     * The non-empty lines of an SSE response, read on a background thread. The stream's first event, {@code event:
     * job} naming the job, is taken out of the lines and kept as {@link #announcedJobId()}.
     */
    public static final class Events implements AutoCloseable {
        public final HttpResponse<Stream<String>> response;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final CompletableFuture<String> announced = new CompletableFuture<>();

        public Events(HttpResponse<Stream<String>> response) {
            this.response = response;
            Thread t = new Thread(() -> {
                boolean[] announcing = {false};
                try {
                    response.body().filter(l -> !l.isEmpty()).forEach(l -> {
                        if (l.equals("event: job") && !announced.isDone()) {
                            announcing[0] = true;
                        } else if (announcing[0]) {
                            announcing[0] = false;
                            announced.complete(l.replaceAll("^data: \\{\"job_id\":\"([^\"]+)\"\\}$", "$1"));
                        } else {
                            lines.add(l);
                        }
                    });
                } catch (RuntimeException ignored) {
                    // stream closed
                }
                lines.add("<EOF>");
            });
            t.setDaemon(true);
            t.start();
        }

        /** The client goes away: its connection closes mid-stream. */
        @Override
        public void close() {
            response.body().close();
        }

        /** The job id the stream's first event named. */
        public String announcedJobId() throws Exception {
            return announced.get(30, TimeUnit.SECONDS);
        }

        /** The next line; a generous bound only guards against a hung test. */
        public String next() throws InterruptedException {
            String l = lines.poll(30, TimeUnit.SECONDS);
            if (l == null) {
                throw new AssertionError("no SSE event within 30 s");
            }
            return l;
        }

        /** The next line that is not a keep-alive comment. */
        public String nextData() throws InterruptedException {
            String l;
            do {
                l = next();
            } while (l.startsWith(":"));
            return l;
        }
    }
}
