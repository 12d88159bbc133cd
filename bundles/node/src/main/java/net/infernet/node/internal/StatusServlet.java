package net.infernet.node.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.node.hardware.Gpu;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code GET /api/v1/node/status}: what {@code infernet status} and {@code infernet doctor} show. */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/node/status")
public final class StatusServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private final transient NodeStatusSource node;

    @Activate
    public StatusServlet(@Reference NodeStatusSource node) {
        super(new HttpApi(0));
        this.node = node;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod())) {
            throw methodNotAllowed(request);
        }
        api.writeJson(response, 200, json(node.status()));
    }

    static Map<String, Object> json(NodeStatus s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node_id", s.nodeId().orElse(null));
        out.put("public_key", s.publicKey());
        out.put("state", s.state());
        out.put("backend", s.backend().orElse(null));
        out.put("backend_reason", s.backendReason());
        out.put("models", s.models());
        out.put("active_jobs", s.activeJobs());
        out.put("max_jobs", s.maxJobs());
        out.put("jobs_completed", s.jobsCompleted());
        out.put("jobs_failed", s.jobsFailed());
        out.put("control_plane", s.controlPlane());
        out.put("control_plane_reachable", s.controlPlaneReachable());
        out.put("last_heartbeat", s.lastHeartbeat().map(Object::toString).orElse(null));
        out.put("started_at", s.startedAt().toString());
        s.engineChoice().ifPresent(d -> out.put("engine_choice", engineChoice(d)));
        return out;
    }

    /** The engine rule's decision: {@code engine, reason, found, hardware{summary, cpu_cores, memory_mib, gpus}}. */
    static Map<String, Object> engineChoice(Backends.Decision d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", d.choice().engine().orElse(null));
        out.put("reason", d.choice().reason());
        out.put("found", d.found());
        Map<String, Object> hw = new LinkedHashMap<>();
        hw.put("summary", d.hardware().describe());
        hw.put("cpu_cores", d.hardware().cpuCores());
        hw.put("memory_mib", d.hardware().memoryMib());
        List<Map<String, Object>> gpus = new ArrayList<>();
        for (Gpu g : d.hardware().gpus()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vendor", g.vendor());
            m.put("name", g.name());
            m.put("memory_total_mib", g.memoryTotalMib());
            g.computeCapability().ifPresent(v -> m.put("compute_capability", v));
            g.architecture().ifPresent(v -> m.put("architecture", v));
            g.driver().ifPresent(v -> m.put("driver", v));
            gpus.add(m);
        }
        hw.put("gpus", gpus);
        out.put("hardware", hw);
        return out;
    }
}
