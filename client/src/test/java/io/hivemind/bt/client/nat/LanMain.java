package io.hivemind.bt.client.nat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Our client inside the LAN namespace (run as a child JVM by {@link MiniupnpdInteropTest}): listens on TCP and UDP
 * {@code port} and echoes what it receives, maps both with the requested method, prints one {@code MAPPED} line per
 * mapping and a {@code STATUS} line, then waits for {@code close} on stdin, closes the mapper (which deletes the
 * mappings) and prints {@code CLOSED}.
 *
 * <p>Arguments: {@code upnp|pcp|natpmp port}.
 */
public final class LanMain {
    private LanMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String method = args[0];
        int port = Integer.parseInt(args[1]);
        ServerSocket tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(port));
        Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                try (Socket s = tcp.accept()) {
                    byte[] b = s.getInputStream().readNBytes(5);
                    s.getOutputStream().write(("echo:" + new String(b, StandardCharsets.US_ASCII)).getBytes());
                } catch (Exception e) {
                    return;
                }
            }
        });
        DatagramSocket udp = new DatagramSocket(port);
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[64];
            while (true) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udp.receive(p);
                    byte[] reply = ("echo:" + new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII)).getBytes();
                    udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
        PortMapper mapper = PortMapper.builder()
                .upnp(method.equals("upnp"))
                .natpmp(!method.equals("upnp"))
                .pcp(method.equals("pcp"))
                .ssdp(2, Duration.ofSeconds(4))
                .description("hivebt-test")
                .closeTimeout(Duration.ofSeconds(5))
                .build();
        try {
            for (Protocol p : Protocol.values()) {
                Mapping m = mapper.map(p, port).get(60, TimeUnit.SECONDS);
                out.println("MAPPED " + m.method() + " " + m.protocol() + " " + m.internalPort() + " "
                        + m.externalAddress().getHostAddress() + " " + m.externalPort());
            }
        } catch (Exception e) {
            out.println("FAILED " + e);
        }
        PortMapperStatus s = mapper.status();
        out.println("STATUS external=" + s.externalAddress() + " gateway=" + s.gateway() + " device=" + s.upnpDevice());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("close")) {
                break;
            }
        }
        mapper.close();
        out.println("CLOSED");
        tcp.close();
        udp.close();
    }
}
