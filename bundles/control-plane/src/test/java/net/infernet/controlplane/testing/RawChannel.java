package net.infernet.controlplane.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import net.infernet.protocol.auth.ChannelChallenge;
import net.infernet.protocol.auth.RequestSigner;

/**
 * A node channel on a raw socket, for frames no WebSocket client library sends: invalid UTF-8, a hello signed for
 * another challenge. The upgrade is signed like the node daemon's; frames are masked as RFC 6455 requires.
 */
public final class RawChannel implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();

    private RawChannel(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawChannel open(URI base, TestNode node) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5_000);
        s.setSoTimeout(10_000);
        String path = "/api/v1/nodes/channel?node_id=" + node.nodeId;
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        String auth = new RequestSigner(node.key, node.clock()).sign("GET", path, new byte[0]);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Protocol: infernet.v1\r\n"
                + RequestSigner.HEADER + ": " + auth + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        RawChannel c = new RawChannel(s);
        String status = c.line();
        if (!status.contains(" 101 ")) {
            throw new IOException("upgrade refused: " + status);
        }
        while (!c.line().isEmpty()) {
            // response headers
        }
        return c;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int ch;
        while ((ch = in.read()) != -1 && ch != '\n') {
            if (ch != '\r') {
                b.write(ch);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** The next text message as JSON (the control plane sends unfragmented, unmasked frames). */
    public JsonNode read() throws IOException {
        int op = in.readUnsignedByte() & 0x0F;
        byte[] payload = payload();
        if (op != 0x1) {
            throw new IOException("expected a text frame, got opcode " + op);
        }
        return TestNode.JSON.readTree(payload);
    }

    private byte[] payload() throws IOException {
        int len = in.readUnsignedByte() & 0x7F;
        long n = len == 126 ? in.readUnsignedShort() : len == 127 ? in.readLong() : len;
        byte[] p = new byte[(int) n];
        in.readFully(p);
        return p;
    }

    /** Reads until the close frame and returns its status code (-1 when the connection just ended). */
    public int closeCode() throws IOException {
        while (true) {
            int b0;
            try {
                b0 = in.readUnsignedByte();
            } catch (IOException ended) {
                return -1;
            }
            byte[] p = payload();
            if ((b0 & 0x0F) == 0x8) {
                return p.length >= 2 ? ((p[0] & 0xFF) << 8) | (p[1] & 0xFF) : 1005;
            }
        }
    }

    /** Answers {@code challenge} with a hello signed by the node's key. */
    public void hello(TestNode node, String challenge) throws IOException {
        ObjectNode hello = TestNode.JSON.createObjectNode();
        hello.put("type", "hello");
        hello.put("node_id", node.nodeId);
        hello.put("signature", ChannelChallenge.sign(node.key, challenge, node.nodeId));
        hello.putArray("served_models");
        text(hello.toString());
    }

    public void text(String text) throws IOException {
        frame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One final, masked frame with these exact payload bytes. */
    public void frame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >> 8);
            f.write(payload.length & 0xFF);
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
