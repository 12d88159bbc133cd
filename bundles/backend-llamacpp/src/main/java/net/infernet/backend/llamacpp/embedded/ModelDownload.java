package net.infernet.backend.llamacpp.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.backend.InstallProgress;
import net.infernet.core.http.HttpClients;

/**
 * Where a model to install comes from, and the download itself. {@code hf:<owner>/<repo>/<path>.gguf} is a file of
 * a Hugging Face model repository (main branch); {@code https://…/<file>.gguf} is any direct link.
 */
record ModelDownload(URI url, String fileName) {
    static final String HF_PREFIX = "hf:";
    private static final String HF_BASE = "https://huggingface.co/";

    /** Parses what {@code infernet model install} was given; anything else is not downloadable by this engine. */
    static ModelDownload parse(String spec) {
        String s = spec.trim();
        if (s.startsWith(HF_PREFIX)) {
            String[] parts = s.substring(HF_PREFIX.length()).split("/");
            if (parts.length < 3 || !s.endsWith(LlamaEngine.SUFFIX) || java.util.Arrays.stream(parts)
                    .anyMatch(p -> p.isEmpty() || p.equals("..") || p.equals("."))) {
                throw new InfernetException(ErrorCode.BAD_REQUEST,
                        "expected hf:<owner>/<repo>/<file>.gguf, got " + spec);
            }
            String path = String.join("/", java.util.Arrays.copyOfRange(parts, 2, parts.length));
            return new ModelDownload(URI.create(HF_BASE + parts[0] + "/" + parts[1] + "/resolve/main/" + path),
                    parts[parts.length - 1]);
        }
        if (s.startsWith("https://") && s.endsWith(LlamaEngine.SUFFIX)) {
            URI u = URI.create(s);
            String file = u.getPath().substring(u.getPath().lastIndexOf('/') + 1);
            return new ModelDownload(u, file);
        }
        throw new InfernetException(ErrorCode.BAD_REQUEST, "embedded llama.cpp installs GGUF files: "
                + "hf:<owner>/<repo>/<file>.gguf or an https://…/<file>.gguf link, not " + spec);
    }

    static boolean isDownloadable(String spec) {
        String s = spec.trim();
        return s.startsWith(HF_PREFIX) || s.startsWith("https://");
    }

    /** The name the model has once installed. */
    String modelName() {
        return fileName.substring(0, fileName.length() - LlamaEngine.SUFFIX.length());
    }

    /** Downloads into {@code dir} through a hidden part file, reporting bytes as they arrive; returns the file. */
    Path download(Path dir, InstallProgress progress) {
        Path target = dir.resolve(fileName);
        Path part = dir.resolve("." + fileName + ".part");
        HttpClient http = HttpClients.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        try {
            Files.createDirectories(dir);
            progress.update("connecting " + url.getHost(), 0, 0);
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(url).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new InfernetException(r.statusCode() == 404 ? ErrorCode.MODEL_NOT_FOUND : ErrorCode.BACKEND_ERROR,
                        "download of " + url + " answered HTTP " + r.statusCode());
            }
            long total = r.headers().firstValueAsLong("content-length").orElse(0);
            copy(r.body(), part, total, progress);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            progress.update("success", Files.size(target), Files.size(target));
            return target;
        } catch (IOException e) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "download of " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "download of " + url + " was interrupted", e);
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // a stale part file is hidden and overwritten by the next attempt
            }
        }
    }

    private static void copy(InputStream in, Path part, long total, InstallProgress progress) throws IOException {
        byte[] buf = new byte[1 << 16];
        long done = 0;
        long reported = 0;
        try (in; OutputStream out = Files.newOutputStream(part)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                done += n;
                if (done - reported >= (1 << 22)) { // every 4 MiB: a progress bar, not a flood of acks
                    progress.update("downloading", done, total);
                    reported = done;
                }
            }
        }
        progress.update("downloading", done, total);
    }
}
