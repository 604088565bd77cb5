package io.hivemind.bt.client.nat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A UPnP IGD on loopback for tests: an SSDP responder (answering every datagram with {@code ssdpReply}) and an HTTP
 * server serving the description at {@code /desc.xml} and SOAP at {@code /ctl}, whose replies the test chooses.
 * Records the SOAP actions received.
 */
final class FakeUpnpDevice implements AutoCloseable {
    /** An HTTP reply: status and body; a null body means "never answer" (hang until the client gives up). */
    record Reply(int status, byte[] body) {
        static Reply ok(String s) {
            return new Reply(200, s.getBytes(StandardCharsets.UTF_8));
        }
    }

    final DatagramSocket ssdp;
    final ServerSocket http;
    private final Thread httpThread;
    final List<String> soapRequests = new CopyOnWriteArrayList<>();
    private final Thread ssdpThread;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    volatile Function<FakeUpnpDevice, byte[]> ssdpReply = d -> d.goodSsdpReply();
    volatile Reply description;
    volatile Function<String, Reply> soap = body -> Reply.ok("");

    FakeUpnpDevice() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        http = new ServerSocket(0, 16, lo);
        httpThread = Thread.ofPlatform().daemon().name("fake-igd-http").start(() -> {
            while (!http.isClosed()) {
                try {
                    Socket c = http.accept();
                    executor.execute(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
        description = Reply.ok(descriptionXml("urn:schemas-upnp-org:service:WANIPConnection:1"));
        ssdp = new DatagramSocket(new InetSocketAddress(lo, 0));
        ssdpThread = Thread.ofPlatform().daemon().name("fake-ssdp").start(() -> {
            byte[] buf = new byte[2048];
            while (!ssdp.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    ssdp.receive(p);
                    byte[] reply = ssdpReply.apply(this);
                    if (reply != null) {
                        ssdp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Reads one request (headers, Content-Length body) and answers it; enough HTTP/1.1 for our client. */
    private void serve(Socket c) {
        try (c) {
            c.setSoTimeout(10_000);
            InputStream in = c.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0 || head.size() > 16384) {
                    return;
                }
                head.write(b);
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            String path = h.substring(h.indexOf(' ') + 1, h.indexOf(' ', h.indexOf(' ') + 1));
            int length = 0;
            String soapAction = "";
            for (String line : h.split("\r\n")) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (lower.startsWith("soapaction:")) {
                    soapAction = line.substring(11).trim();
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            Reply r;
            if (path.equals("/desc.xml")) {
                r = description;
            } else {
                soapRequests.add(soapAction + "\n" + body);
                r = soap.apply(body);
            }
            if (r.body() == null) {
                in.read(); // hang until the client gives up and closes
                return;
            }
            OutputStream out = c.getOutputStream();
            out.write(("HTTP/1.1 " + r.status() + " X\r\nContent-Type: text/xml\r\nContent-Length: " + r.body().length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(r.body());
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client hung up: fine for a fake
        }
    }

    InetSocketAddress ssdpAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), ssdp.getLocalPort());
    }

    String base() {
        return "http://127.0.0.1:" + http.getLocalPort();
    }

    byte[] goodSsdpReply() {
        return ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1"
                + "\r\nUSN: uuid:test\r\nEXT:\r\nSERVER: test UPnP/1.1\r\nLOCATION: " + base() + "/desc.xml\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static String descriptionXml(String service) {
        return "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
                + "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>"
                + "<friendlyName>Fake IGD</friendlyName><deviceList><device><deviceList><device><serviceList>"
                + "<service><serviceType>" + service + "</serviceType><controlURL>/ctl</controlURL></service>"
                + "</serviceList></device></deviceList></device></deviceList></device></root>";
    }

    static String envelope(String body) {
        return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + body + "</s:Body></s:Envelope>";
    }

    static Reply fault(int code) {
        return new Reply(500, envelope("<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>"
                + "<detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + code
                + "</errorCode><errorDescription>test</errorDescription></UPnPError></detail></s:Fault>")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The SOAP behaviour of a well-behaved IGD v1 with external address 11.0.0.1. */
    static Reply wellBehaved(String body) {
        String action = body.replaceAll("(?s).*<u:(\\w+) .*", "$1");
        return switch (action) {
            case "GetExternalIPAddress" -> Reply.ok(envelope("<u:GetExternalIPAddressResponse xmlns:u=\"x\">"
                    + "<NewExternalIPAddress>11.0.0.1</NewExternalIPAddress></u:GetExternalIPAddressResponse>"));
            case "AddPortMapping", "DeletePortMapping" -> Reply.ok(envelope("<u:" + action + "Response xmlns:u=\"x\"/>"));
            default -> fault(401);
        };
    }

    @Override
    public void close() throws InterruptedException {
        ssdp.close();
        try {
            http.close();
        } catch (IOException e) {
            // closing
        }
        executor.shutdownNow();
        ssdpThread.join(5000);
        httpThread.join(5000);
    }
}
