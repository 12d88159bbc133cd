package net.infernet.core.internal.update;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import net.infernet.core.http.HttpClients;

/** An HTTPS server holding {@code index.json}, {@code index.json.sig} and the jars, all under one base URL. */
final class HttpSource implements UpdateSource {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private final URI base;
    private final HttpClient http = HttpClients.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    HttpSource(URI base) {
        this.base = base;
    }

    @Override
    public String location() {
        return base.toString();
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public byte[] read(String name) throws IOException {
        return checked(name, send(name, HttpResponse.BodyHandlers.ofByteArray()));
    }

    @Override
    public void copy(String name, Path target) throws IOException {
        checked(name, send(name, HttpResponse.BodyHandlers.ofFile(target, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)));
    }

    private <T> HttpResponse<T> send(String name, HttpResponse.BodyHandler<T> body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(name)).timeout(TIMEOUT).GET().build();
        try {
            return http.send(request, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching " + request.uri());
        }
    }

    private <T> T checked(String name, HttpResponse<T> response) throws IOException {
        if (response.statusCode() == 404) {
            throw new NoSuchFileException(base.resolve(name).toString());
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + base.resolve(name));
        }
        return response.body();
    }
}
