package io.hivemind.bt.client.nat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A peer in the WAN namespace (child JVM): connects to {@code host:port} over TCP, sends {@code hello}, prints what
 * comes back; then the same over UDP. Exit code 0 when both echoes arrived.
 */
public final class WanProbe {
    private WanProbe() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int tcpPort = Integer.parseInt(args[1]);
        int udpPort = Integer.parseInt(args[2]);
        String tcpReply;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, tcpPort), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            tcpReply = new String(s.getInputStream().readNBytes(10), StandardCharsets.US_ASCII);
        }
        System.out.println("TCP " + tcpReply);
        String udpReply = "none";
        try (DatagramSocket d = new DatagramSocket()) {
            d.setSoTimeout(1000);
            for (int i = 0; i < 5 && udpReply.equals("none"); i++) {
                byte[] m = "hello".getBytes(StandardCharsets.US_ASCII);
                d.send(new DatagramPacket(m, m.length, new InetSocketAddress(host, udpPort)));
                try {
                    DatagramPacket p = new DatagramPacket(new byte[64], 64);
                    d.receive(p);
                    udpReply = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
                } catch (java.net.SocketTimeoutException e) {
                    // retry: UDP
                }
            }
        }
        System.out.println("UDP " + udpReply);
        System.exit(tcpReply.equals("echo:hello") && udpReply.equals("echo:hello") ? 0 : 1);
    }
}
