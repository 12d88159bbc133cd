package net.infernet.controlplane.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import net.infernet.controlplane.ControlPlane;
import net.infernet.controlplane.api.ClientApiServlet;
import net.infernet.controlplane.api.JobRequest;
import net.infernet.controlplane.api.Responses;
import net.infernet.controlplane.jobs.JobListener;
import net.infernet.controlplane.jobs.JobStream;
import net.infernet.controlplane.jobs.Submitted;
import net.infernet.controlplane.sse.AsyncSse;
import net.infernet.controlplane.tokens.Caller;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Usage;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.store.JobRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The OpenAI-compatible API: {@code POST /v1/chat/completions} (plain and streamed {@code chat.completion.chunk}
 * frames, usage also via {@code stream_options.include_usage}) and {@code GET /v1/models}, with OpenAI-shaped
 * errors {@code {"error":{"message","type","code"}}}. Jobs run exactly like client-API jobs.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/v1/*")
@HttpWhiteboardServletAsyncSupported
public class OpenAiServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private final transient ControlPlane cp;

    @Activate
    public OpenAiServlet(@Reference ControlPlane cp) {
        super(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES));
        this.cp = cp;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Caller caller = cp.auth().authenticate(request, response);
            String path = Responses.path(request);
            if (path.equals("/v1/chat/completions") && request.getMethod().equals("POST")) {
                completions(caller, request, response);
            } else if (path.equals("/v1/models") && request.getMethod().equals("GET")) {
                models(response);
            } else {
                throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + request.getMethod() + " " + path);
            }
        } catch (InfernetException e) {
            if (!response.isCommitted()) {
                response.resetBuffer();
                HttpApi.closeIfBodyUnread(request, response);
                api.writeJson(response, e.code().httpStatus(), error(api.mapper(), e.code(), e.getMessage()));
            }
        }
    }

    static ObjectNode error(ObjectMapper mapper, ErrorCode code, String message) {
        ObjectNode out = mapper.createObjectNode();
        ObjectNode e = out.putObject("error");
        e.put("message", message);
        e.put("type", switch (code) {
            case BAD_REQUEST, NOT_FOUND, MODEL_NOT_FOUND -> "invalid_request_error";
            case UNAUTHORIZED -> "authentication_error";
            case RATE_LIMITED -> "rate_limit_error";
            default -> "server_error";
        });
        e.putNull("param");
        e.put("code", code.wire());
        return out;
    }

    private void models(HttpServletResponse response) throws IOException {
        ObjectNode out = api.mapper().createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        ClientApiServlet.models(cp, api.mapper()).path("models").forEach(m -> {
            ObjectNode o = data.addObject();
            o.put("id", m.get("id").asText());
            o.put("object", "model");
            o.put("created", 0);
            o.put("owned_by", "infernet");
        });
        api.writeJson(response, 200, out);
    }

    private void completions(Caller caller, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        JobRequest req = JobRequest.parse(api.readObject(request), api.mapper());
        // stored before the client sees its first byte; the stream replays every token so far to its reader
        Submitted submitted = cp.jobs().submit(caller.tokenId(), caller.clientPubkey(), req.model(),
                req.normalized(), req.nodePin());
        JobRecord job = submitted.job();
        Chunks chunks = new Chunks(api.mapper(), "chatcmpl-" + job.id().substring(4), req.model(),
                job.createdAt().getEpochSecond());
        if (req.stream()) {
            stream(job, submitted.stream(), chunks, req.includeUsage(), request, response);
        } else {
            collect(job, submitted.stream(), chunks, request);
        }
    }

    private void stream(JobRecord job, JobStream stream, Chunks chunks, boolean includeUsage, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        JobListener[] holder = new JobListener[1];
        AsyncSse[] sseHolder = new AsyncSse[1];
        response.setHeader(ClientApiServlet.JOB_ID_HEADER, job.id());
        AsyncSse sse = AsyncSse.start(request, response, cp.jobs().settings().jobTimeout().plus(Duration.ofMinutes(1)),
                () -> {
                    stream.unsubscribe(holder[0]);
                    cp.keepAlive().remove(sseHolder[0]);
                });
        sseHolder[0] = sse;
        sse.data(chunks.delta(true, "").toString());
        holder[0] = new JobListener() {
            @Override
            public void text(String text) {
                sse.data(chunks.delta(false, text).toString());
            }

            @Override
            public void done(Usage usage, String finishReason) {
                sse.data(chunks.finish(finishReason).toString());
                if (includeUsage) {
                    sse.data(chunks.usage(usage).toString());
                }
                sse.data("[DONE]");
                sse.end();
            }

            @Override
            public void error(ErrorCode code, String message) {
                sse.data(OpenAiServlet.error(api.mapper(), code, message).toString());
                sse.end();
            }
        };
        cp.keepAlive().add(sse);
        stream.subscribe(holder[0]);
    }

    /** Non-streamed: waits for the job (re-queued attempts included) and answers one chat.completion. */
    private void collect(JobRecord job, JobStream stream, Chunks chunks, HttpServletRequest request) {
        AsyncContext ctx = request.startAsync();
        ctx.setTimeout(cp.jobs().settings().jobTimeout().plus(Duration.ofMinutes(1)).toMillis());
        AtomicBoolean answered = new AtomicBoolean();
        JobListener listener = new JobListener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public synchronized void text(String t) {
                text.append(t);
            }

            @Override
            public synchronized void done(Usage usage, String finishReason) {
                answer(200, chunks.completion(text.toString(), finishReason, usage));
            }

            @Override
            public void error(ErrorCode code, String message) {
                if (code == ErrorCode.NODE_DISCONNECTED) {
                    // the job was re-queued: follow the next attempt from its first token
                    synchronized (this) {
                        text.setLength(0);
                    }
                    cp.jobs().timers().execute(() -> cp.jobs().subscribe(job.id(), this));
                    return;
                }
                answer(code.httpStatus(), OpenAiServlet.error(api.mapper(), code, message));
            }

            private void answer(int status, ObjectNode body) {
                if (!answered.compareAndSet(false, true)) {
                    return;
                }
                try {
                    api.writeJson((HttpServletResponse) ctx.getResponse(), status, body);
                } catch (IOException | IllegalStateException e) {
                    // the client went away
                } finally {
                    try {
                        ctx.complete();
                    } catch (IllegalStateException ignored) {
                        // timed out already
                    }
                }
            }
        };
        stream.subscribe(listener);
    }
}
