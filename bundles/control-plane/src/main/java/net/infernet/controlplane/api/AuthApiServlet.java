package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import net.infernet.controlplane.accounts.Accounts;
import net.infernet.controlplane.accounts.LockedOut;
import net.infernet.controlplane.accounts.OidcSignIn;
import net.infernet.controlplane.tokens.ClientAddress;
import net.infernet.controlplane.tokens.ClientAuth;
import net.infernet.controlplane.tokens.SessionCookie;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.core.http.ApiServlet;
import net.infernet.core.http.HttpApi;
import net.infernet.core.http.JsonFields;
import net.infernet.store.AccountRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Sign-up, sign-in (password, Nostr challenge) and sign-out (docs/protocol.md, "Accounts"). A sign-in answers the
 * account and the session's CSRF token and sets the session cookie; the cookie's value is never in a body.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/auth/*")
public class AuthApiServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_BODY = 16 * 1024;
    private final transient Accounts accounts;
    private final transient ClientAuth auth;
    private final transient OidcSignIn oidc;
    private final transient ClientAddress addresses;

    @Activate
    public AuthApiServlet(@Reference Accounts accounts, @Reference ClientAuth auth, @Reference OidcSignIn oidc,
            @Reference ClientAddress addresses) {
        super(new HttpApi(MAX_BODY));
        this.accounts = accounts;
        this.auth = auth;
        this.oidc = oidc;
        this.addresses = addresses;
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            route(request, response);
        } catch (LockedOut e) {
            response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            Responses.error(api, request, response, e);
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String what = Responses.path(request).substring("/api/v1/auth".length());
        String method = request.getMethod();
        String ip = addresses.of(request);
        if (what.equals("/methods") && method.equals("GET")) {
            Accounts.Methods m = accounts.methods();
            api.writeJson(response, 200, api.mapper().createObjectNode().put("password", m.password())
                    .put("nostr", m.nostr()).put("oidc", oidc.enabled()).put("signup", m.signup()));
        } else if (what.equals("/oidc/start") && method.equals("GET")) {
            response.setHeader("Cache-Control", "no-store");
            response.sendRedirect(oidc.start(base(request)).toString());
        } else if (what.equals("/oidc/callback") && method.equals("GET")) {
            String code = HttpApi.queryParam(request, "code").orElse("");
            String state = HttpApi.queryParam(request, "state").orElse("");
            if (code.isEmpty() || state.isEmpty() || code.length() > 4096 || state.length() > 64) {
                throw new InfernetException(ErrorCode.BAD_REQUEST, "code and state are required"
                        + HttpApi.queryParam(request, "error").map(e -> " (the provider said: " + e.replaceAll(
                                "[^A-Za-z0-9_ .-]", "") + ")").orElse(""));
            }
            Accounts.SignedIn s = oidc.finish(code, state, base(request));
            SessionCookie.set(request, response, s.token(), s.lifetime());
            response.setHeader("Cache-Control", "no-store");
            response.sendRedirect("/dashboard/");
        } else if (what.equals("/signup") && method.equals("POST")) {
            ObjectNode body = api.readObject(request);
            signedIn(request, response, 201, accounts.signUp(JsonFields.requireString(body, "email", 254),
                    JsonFields.requireString(body, "password", 1000),
                    JsonFields.optString(body, "role", 16).orElse(AccountRecord.CLIENT), ip));
        } else if (what.equals("/login") && method.equals("POST")) {
            ObjectNode body = api.readObject(request);
            signedIn(request, response, 200, accounts.signIn(JsonFields.requireString(body, "email", 1000),
                    JsonFields.requireString(body, "password", 1000), ip));
        } else if (what.equals("/nostr/challenge") && method.equals("GET")) {
            Accounts.Challenge c = accounts.nostrChallenge(ip);
            api.writeJson(response, 200, api.mapper().createObjectNode().put("challenge", c.challenge())
                    .put("expires_at", Responses.iso(c.expiresAt())));
        } else if (what.equals("/nostr") && method.equals("POST")) {
            ObjectNode body = api.readObject(request);
            signedIn(request, response, 200, accounts.nostrSignIn(JsonFields.optObject(body, "event").orElseThrow(
                    () -> new InfernetException(ErrorCode.BAD_REQUEST, "event is required")), ip));
        } else if (what.equals("/logout") && method.equals("POST")) {
            auth.authenticate(request, response); // a signed-in session and its CSRF token (or a key: nothing to end)
            SessionCookie.read(request).ifPresent(accounts::signOut);
            SessionCookie.clear(request, response);
            api.writeJson(response, 200, api.mapper().createObjectNode().put("signed_out", true));
        } else {
            throw new InfernetException(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " /api/v1/auth" + what);
        }
    }

    /** What the browser called: scheme, host and port. */
    private static java.net.URI base(HttpServletRequest request) {
        return java.net.URI.create(request.getScheme() + "://" + request.getServerName() + ":"
                + request.getServerPort() + "/");
    }

    private void signedIn(HttpServletRequest request, HttpServletResponse response, int status, Accounts.SignedIn s)
            throws IOException {
        SessionCookie.set(request, response, s.token(), s.lifetime());
        api.writeJson(response, status, AccountJson.signedIn(api.mapper(), s.account(), s.csrf()));
    }
}
