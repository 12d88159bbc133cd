package net.infernet.controlplane.channel;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import net.infernet.controlplane.accounting.ReceiptIssuer;
import net.infernet.controlplane.accounting.Settlement;
import net.infernet.controlplane.accounting.Prices;
import net.infernet.controlplane.config.ControlPlaneConfig;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.jobs.Dispatcher;
import net.infernet.controlplane.jobs.JobOutcomes;
import net.infernet.controlplane.jobs.JobStreams;
import net.infernet.controlplane.nodes.Commands;
import net.infernet.controlplane.nodes.NodeDirectory;
import net.infernet.controlplane.nodes.SignedRequest;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.store.NodeRecord;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/v1/nodes/channel?node_id=…}: the node's one persistent channel, a WebSocket (subprotocol
 * {@value Frames#SUBPROTOCOL}) on the HTTP whiteboard's Jetty. The upgrade request is signed with
 * {@code X-Infernet-Auth} (a refusal is the usual JSON error, before any upgrade); the channel then opens with a
 * fresh challenge the node must sign (so a recorded handshake cannot be replayed). Jetty's core WebSocket is used
 * directly: two small bundles, no servlet-container initializer.
 */
@Component(service = Servlet.class, configurationPid = ControlPlaneConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@HttpWhiteboardServletPattern("/api/v1/nodes/channel")
@HttpWhiteboardServletAsyncSupported
public class NodeChannelServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    /** How often a node sends its heartbeat frame (the book: 30 s). */
    static final int HEARTBEAT_SECONDS = 30;
    /** Frames waiting to go out to one node; a node that stops reading loses its channel when they pass this. */
    private static final int MAX_OUTGOING_FRAMES = 10_000;

    private final transient NodeDirectory directory;
    private final transient Dispatcher dispatcher;
    private final transient JobOutcomes outcomes;
    private final transient JobStreams streams;
    private final transient Commands commands;
    private final transient ReceiptIssuer receipts;
    private final transient Settlement settlement;
    private final transient Duration idleTimeout;
    private final transient int maxFramesPerSecond;
    private final transient Frames frames;
    private final transient Handshaker handshaker = Handshaker.newInstance();
    private final transient WebSocketComponents components = new WebSocketComponents();
    private final transient ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "infernet-channel-timer");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public NodeChannelServlet(@Reference NodeDirectory directory, @Reference Dispatcher dispatcher,
            @Reference JobOutcomes outcomes, @Reference JobStreams streams, @Reference Commands commands,
            @Reference ReceiptIssuer receipts, @Reference Settlement settlement, @Reference Prices prices,
            ControlPlaneConfig config) {
        this(directory, dispatcher, outcomes, streams, commands, receipts, settlement, prices, Settings.of(config));
    }

    public NodeChannelServlet(NodeDirectory directory, Dispatcher dispatcher, JobOutcomes outcomes, JobStreams streams,
            Commands commands, ReceiptIssuer receipts, Settlement settlement, Prices prices, Settings settings) {
        super(new HttpApi(HttpApi.DEFAULT_MAX_BODY_BYTES));
        this.directory = directory;
        this.dispatcher = dispatcher;
        this.outcomes = outcomes;
        this.streams = streams;
        this.commands = commands;
        this.receipts = receipts;
        this.settlement = settlement;
        // silent for as long as a node may be before it counts as offline: then the channel goes too
        this.idleTimeout = settings.offlineAfter();
        this.maxFramesPerSecond = settings.channelFramesPerSecond();
        this.frames = new Frames(api.mapper(), prices);
        try {
            components.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the WebSocket components", e);
        }
    }

    @Deactivate
    public void close() {
        timer.shutdownNow();
        try {
            components.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET")) {
            throw methodNotAllowed(request);
        }
        ServletContextRequest upgrade = ServletContextRequest.getServletContextRequest(request);
        if (upgrade == null || !handshaker.isWebSocketUpgradeRequest(upgrade)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "the node channel is a WebSocket: GET with Upgrade: websocket (docs/protocol.md)");
        }
        if (!Collections.list(request.getHeaders("Sec-WebSocket-Protocol")).stream()
                .flatMap(h -> java.util.Arrays.stream(h.split(","))).map(String::strip)
                .anyMatch(Frames.SUBPROTOCOL::equals)) {
            throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "unsupported channel version: this control plane speaks subprotocol " + Frames.SUBPROTOCOL);
        }
        String nodeId = HttpApi.queryParam(request, "node_id")
                .orElseThrow(() -> new InfernetException(ErrorCode.BAD_REQUEST, "query parameter node_id is required"));
        NodeRecord node = directory.authenticate(SignedRequest.of(request, new byte[0]), nodeId);
        if (!node.approved()) {
            throw new InfernetException(ErrorCode.UNAUTHORIZED, "node " + node.id() + " is waiting for approval");
        }
        WebSocketNegotiator.AbstractNegotiator negotiator = new WebSocketNegotiator.AbstractNegotiator() {
            @Override
            public FrameHandler negotiate(ServerUpgradeRequest rq, ServerUpgradeResponse rs, Callback cb) {
                rs.setAcceptedSubProtocol(Frames.SUBPROTOCOL);
                return new ChannelSession(node, frames, directory, dispatcher, outcomes, streams, commands, receipts,
                        settlement, timer, HEARTBEAT_SECONDS, maxFramesPerSecond);
            }
        };
        negotiator.setIdleTimeout(idleTimeout);
        negotiator.setMaxTextMessageSize(Frames.MAX_MESSAGE_BYTES);
        negotiator.setMaxBinaryMessageSize(1024);
        negotiator.setMaxOutgoingFrames(MAX_OUTGOING_FRAMES);
        FutureCallback done = new FutureCallback();
        if (handshaker.upgradeRequest(negotiator, upgrade, upgrade.getServletContextResponse(), done, components,
                null)) {
            done.block();
        } else {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "the WebSocket upgrade was refused");
        }
    }
}
