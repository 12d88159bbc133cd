package net.infernet.controlplane.api;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.infernet.controlplane.jobs.JobService;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.HttpApi;

/**
 * Reads a node's NDJSON upload with non-blocking servlet I/O, so a thousand concurrent streams do not hold a
 * thousand request threads. Each complete line is handed on as soon as its newline arrives.
 */
final class NdjsonReader implements ReadListener {
    private static final int MAX_LINE = 1 << 20;
    private final AsyncContext ctx;
    private final ServletInputStream in;
    private final JobService.Upload upload;
    private final HttpApi api;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final byte[] buf = new byte[8192];
    private boolean answered;

    NdjsonReader(AsyncContext ctx, ServletInputStream in, JobService.Upload upload, HttpApi api) {
        this.ctx = ctx;
        this.in = in;
        this.upload = upload;
        this.api = api;
        // the job moved on without this upload: answer and close the connection, so the node stops generating
        upload.onAbort(() -> {
            try {
                answer(ErrorCode.UNAUTHORIZED.httpStatus(), new InfernetException(ErrorCode.UNAUTHORIZED,
                        "this attempt of the job was given to another node or ended; stop working on it"), true);
            } catch (IOException | IllegalStateException e) {
                // the node is already gone
            }
        });
    }

    @Override
    public void onDataAvailable() throws IOException {
        try {
            while (!answered() && in.isReady() && !in.isFinished()) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        if (upload.line(decode(line.toByteArray()))) {
                            answer(200, null, false);
                        }
                        line.reset();
                    } else if (line.size() < MAX_LINE) {
                        line.write(buf[i]);
                    } else {
                        throw new InfernetException(ErrorCode.BAD_REQUEST, "stream line longer than 1 MiB");
                    }
                }
            }
        } catch (InfernetException e) {
            upload.broken("Node sent a malformed stream");
            answer(e.code().httpStatus(), e, false);
        }
    }

    @Override
    public void onAllDataRead() throws IOException {
        try {
            if (line.size() > 0 && !upload.finished()) {
                upload.line(decode(line.toByteArray()));
            }
        } catch (InfernetException e) {
            answer(e.code().httpStatus(), e, false);
            return;
        }
        if (!upload.finished()) {
            upload.broken("Node went offline mid-stream");
            answer(ErrorCode.NODE_DISCONNECTED.httpStatus(),
                    new InfernetException(ErrorCode.NODE_DISCONNECTED, "stream ended without a done or error line"),
                    false);
            return;
        }
        answer(200, null, false);
    }

    @Override
    public void onError(Throwable t) {
        upload.broken("Node went offline mid-stream");
        try {
            ctx.complete();
        } catch (IllegalStateException ignored) {
            // already completed
        }
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "stream line is not valid UTF-8");
        }
    }

    private synchronized boolean answered() {
        return answered;
    }

    /**
     * Answers once: {"ok":true} after the terminal line (the node may still close its side), or an error.
     * {@code close}: the connection is closed after the answer, whatever the node still sends.
     */
    private synchronized void answer(int status, InfernetException error, boolean close) throws IOException {
        if (answered) {
            return;
        }
        answered = true;
        HttpServletResponse res = (HttpServletResponse) ctx.getResponse();
        if (close) {
            res.setHeader("Connection", "close");
        }
        try {
            if (error == null) {
                api.writeJson(res, status, api.mapper().createObjectNode().put("ok", true));
            } else {
                api.writeError(res, error.code(), error.getMessage());
            }
        } finally {
            ctx.complete();
        }
    }
}
