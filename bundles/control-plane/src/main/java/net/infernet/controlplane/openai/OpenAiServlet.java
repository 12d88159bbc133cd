package net.infernet.controlplane.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import net.infernet.controlplane.api.ClientApiServlet;
import net.infernet.controlplane.api.Responses;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.JobAdmission;
import net.infernet.controlplane.jobs.JobListener;
import net.infernet.controlplane.jobs.JobOutcomes;
import net.infernet.controlplane.jobs.JobRequest;
import net.infernet.controlplane.jobs.JobStream;
import net.infernet.controlplane.jobs.JobStreams;
import net.infernet.controlplane.jobs.Submitted;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.sse.JobSse;
import net.infernet.controlplane.sse.KeepAlive;
import net.infernet.controlplane.tokens.Caller;
import net.infernet.controlplane.tokens.ClientAuth;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Usage;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.store.JobRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The OpenAI-compatible API: {@code POST /v1/chat/completions} (plain and streamed {@code chat.completion.chunk}
 * frames, usage also via {@code stream_options.include_usage}) and {@code GET /v1/models}, with OpenAI-shaped
 * errors {@code {"error":{"message","type","code"}}}. Jobs run exactly like client-API jobs.
 */
@Component(service = Servlet.class, configurationPid = ControlPlaneConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@HttpWhiteboardServletPattern("/v1/*")
@HttpWhiteboardServletAsyncSupported
public class OpenAiServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private final transient ClientAuth auth;
    private final transient JobAdmission admission;
    private final transient JobStreams streams;
    private final transient JobOutcomes outcomes;
    private final transient NodeDirectory directory;
    private final transient KeepAlive keepAlive;
    private final transient Duration lifetime;

    @Activate
    public OpenAiServlet(@Reference ClientAuth auth, @Reference JobAdmission admission, @Reference JobStreams streams,
            @Reference JobOutcomes outcomes, @Reference NodeDirectory directory, @Reference KeepAlive keepAlive,
            ControlPlaneConfig config) {
        this(auth, admission, streams, outcomes, directory, keepAlive, Settings.of(config));
    }

    public OpenAiServlet(ClientAuth auth, JobAdmission admission, JobStreams streams, JobOutcomes outcomes,
            NodeDirectory directory, KeepAlive keepAlive, Settings settings) {
        super(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES));
        this.auth = auth;
        this.admission = admission;
        this.streams = streams;
        this.outcomes = outcomes;
        this.directory = directory;
        this.keepAlive = keepAlive;
        this.lifetime = settings.jobTimeout().plus(Duration.ofMinutes(1));
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Caller caller = auth.authenticate(request, response);
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
        directory.models().forEach(m -> {
            ObjectNode o = data.addObject();
            o.put("id", m.id());
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
        Submitted submitted = admission.submit(caller, req);
        JobRecord job = submitted.job();
        Chunks chunks = new Chunks(api.mapper(), "chatcmpl-" + job.id().substring(4), req.model(),
                job.createdAt().getEpochSecond());
        if (req.stream()) {
            stream(job, submitted.stream(), chunks, req.includeUsage(), request, response);
        } else {
            collect(job, submitted.stream(), chunks, request);
        }
    }

    private void stream(JobRecord job, JobStream stream, Chunks chunks, boolean includeUsage,
            HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader(ClientApiServlet.JOB_ID_HEADER, job.id());
        JobSse.open(request, response, stream, lifetime, keepAlive, () -> outcomes.withdraw(job.id()),
                sse -> sse.data(chunks.delta(true, "").toString()), sse -> new JobListener() {
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
                });
    }

    /** Non-streamed: waits for the job (re-queued attempts included) and answers one chat.completion. */
    private void collect(JobRecord job, JobStream stream, Chunks chunks, HttpServletRequest request) {
        AsyncContext ctx = request.startAsync();
        ctx.setTimeout(lifetime.toMillis());
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
                    streams.stream(job.id()).subscribe(this);
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
        ctx.addListener(new AsyncListener() {
            @Override
            public void onError(AsyncEvent event) {
                if (!answered.get()) {
                    outcomes.withdraw(job.id()); // the client left before its answer: stop the engine
                }
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                // the job timeout answers first
            }

            @Override
            public void onComplete(AsyncEvent event) {
                stream.unsubscribe(listener);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not re-dispatched
            }
        });
        stream.subscribe(listener);
    }
}
