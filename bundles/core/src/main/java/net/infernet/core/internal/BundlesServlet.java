package net.infernet.core.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/v1/runtime/bundles}: the installed bundles with state, version and, for bundles that failed to
 * resolve, the reason. What {@code infernet bundles} prints. Answered to loopback callers only.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/runtime/bundles")
public final class BundlesServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private final transient BundleContext context;
    private final transient BundleProblems problems;

    @Activate
    public BundlesServlet(BundleContext context, @Reference BundleProblems problems) {
        super(new HttpApi(0));
        this.context = context;
        this.problems = problems;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod())) {
            throw methodNotAllowed(request);
        }
        if (!InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "the bundle list is only available from localhost");
        }
        List<Map<String, Object>> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", b.getBundleId());
            row.put("symbolic_name", b.getSymbolicName());
            row.put("version", b.getVersion().toString());
            row.put("state", BundleStates.name(b));
            row.put("location", b.getLocation());
            problems.problem(b).ifPresent(p -> row.put("problem", p));
            bundles.add(row);
        }
        api.writeJson(response, 200, Map.of("bundles", bundles));
    }
}
