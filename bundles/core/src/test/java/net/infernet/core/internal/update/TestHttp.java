package net.infernet.core.internal.update;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Function;

/** A loopback HTTP server answering GETs from {@code files} (path → bytes; empty: 404): an HTTPS source's stand-in. */
final class TestHttp implements AutoCloseable {
    private final HttpServer server;

    TestHttp(Function<String, Optional<byte[]>> files) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Optional<byte[]> body = files.apply(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body.isEmpty() ? 404 : 200, body.map(b -> (long) b.length).orElse(-1L));
            if (body.isPresent()) {
                exchange.getResponseBody().write(body.get());
            }
            exchange.close();
        });
        server.start();
    }

    /** {@code http://127.0.0.1:<port>} + {@code path}. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
