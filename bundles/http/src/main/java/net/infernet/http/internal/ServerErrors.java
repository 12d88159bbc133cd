package net.infernet.http.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The server-wide error handler: answers requests that never reached a servlet context (a malformed request line,
 * oversized headers, broken framing) with the JSON envelope instead of Jetty's HTML page. An HTTP version the server
 * does not speak is the client's error: {@code 400}, not Jetty's {@code 505}.
 */
final class ServerErrors extends ErrorHandler {
    /** Every method gets the envelope (Jetty writes a body for GET, POST and HEAD only). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            // the client's request line is at fault, not the server: a bad request, not a 5xx
            code = HttpStatus.BAD_REQUEST_400;
            message = "HTTP version not supported";
            response.setStatus(code);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
        response.write(true, ByteBuffer.wrap(JsonErrorPages.body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        return JsonErrorPages.badMessage(status, reason, fields);
    }
}
