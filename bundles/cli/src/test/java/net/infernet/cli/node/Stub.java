package net.infernet.cli.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import net.infernet.cli.Cli;

/** A local HTTP server with canned answers per path, recording each request (path, auth header, body). */
final class Stub implements AutoCloseable {
    record Request(String method, String path, Map<String, List<String>> headers, String body) {
    }

    /** What to answer: status, content type, body. */
    record Reply(int status, String contentType, String body) {
        static Reply json(int status, String body) {
            return new Reply(status, "application/json", body);
        }
    }

    interface Route {
        Reply answer(Request r) throws IOException;
    }

    final HttpServer server;
    final Map<String, Route> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    Stub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Stub on(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    Stub json(String path, String body) {
        return on(path, r -> Reply.json(200, body));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    Map.copyOf(ex.getRequestHeaders()), new String(ex.getRequestBody().readAllBytes(),
                            StandardCharsets.UTF_8));
            requests.add(req);
            Route route = routes.get(req.path());
            Reply reply = route == null ? Reply.json(404, "{\"error\":\"not_found\",\"error_message\":\"no route\"}")
                    : route.answer(req);
            byte[] b = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.sendResponseHeaders(reply.status(), b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                ex.getResponseBody().write(b);
            }
        }
    }

    Optional<Request> last(String path) {
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).path().equals(path)) {
                return Optional.of(requests.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A Cli writing into buffers, with the given env, data dir {@code root/data} and config dir {@code root/config}. */
    static final class Term {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Cli cli;

        Term(Path root, Map<String, String> env) {
            cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                    StandardCharsets.UTF_8), env, root.resolve("data"), root.resolve("config"));
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** A machine with recorded program outputs, fixed free disk space and a clock. */
    record FakeHost(Map<List<String>, String> outputs, long free, Clock clock, List<List<String>> ran)
            implements Host {
        FakeHost(Map<List<String>, String> outputs, long free, Clock clock) {
            this(outputs, free, clock, new CopyOnWriteArrayList<>());
        }

        @Override
        public Optional<String> run(List<String> command) {
            ran.add(command);
            return Optional.ofNullable(outputs.get(command));
        }

        @Override
        public long freeBytes(Path dir) {
            return free;
        }
    }
}
