package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import net.infernet.controlplane.points.Points;
import net.infernet.controlplane.reputation.Reputations;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Public operator calls (docs/protocol.md): {@code GET /api/v1/operators/{operator}}, the operator's reputation,
 * verification lane, stake and points this epoch; {@code GET /api/v1/operators/{operator}/points[?epoch=N]}, its
 * points in an epoch (the current one by default) and its share of the network's.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/operators/*")
public class OperatorApiServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern OPERATOR = Pattern.compile("[0-9a-f]{64}");
    private final transient Points points;
    private final transient Reputations reputations;

    @Activate
    public OperatorApiServlet(@Reference Points points, @Reference Reputations reputations) {
        super(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES));
        this.points = points;
        this.reputations = reputations;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = Responses.path(request);
        List<String> p = List.of(path.substring(1).split("/"));
        boolean whole = p.size() == 4;
        if (!(whole || p.size() == 5 && p.get(4).equals("points")) || !request.getMethod().equals("GET")) {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + request.getMethod() + " " + path);
        }
        String operator = p.get(3);
        if (!OPERATOR.matcher(operator).matches()) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "an operator is a 64-hex public key");
        }
        if (whole) {
            ObjectNode out = api.mapper().createObjectNode();
            ReputationJson.write(out, reputations.operator(operator), points.standing(operator,
                    points.currentEpoch()));
            api.writeJson(response, 200, out);
            return;
        }
        long epoch = points.currentEpoch();
        String asked = request.getParameter("epoch");
        if (asked != null) {
            try {
                epoch = Long.parseLong(asked);
            } catch (NumberFormatException e) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "epoch must be an integer");
            }
        }
        ObjectNode out = api.mapper().createObjectNode();
        out.put("operator", operator);
        ReputationJson.points(out.putObject("points"), points.standing(operator, epoch));
        api.writeJson(response, 200, out);
    }
}
