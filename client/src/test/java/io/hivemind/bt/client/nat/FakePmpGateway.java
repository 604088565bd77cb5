package io.hivemind.bt.client.nat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A NAT-PMP/PCP "gateway" on loopback for tests: answers each request with what {@code behaviour} returns (zero or
 * more datagrams, possibly hostile) and records every request. Closed by the test.
 */
public final class FakePmpGateway implements AutoCloseable {
    final DatagramSocket socket;
    public final List<byte[]> requests = new CopyOnWriteArrayList<>();
    private final Thread thread;

    public FakePmpGateway(Function<byte[], List<byte[]>> behaviour) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().daemon().name("fake-pmp-gateway").start(() -> {
            byte[] buf = new byte[2048];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    byte[] req = Arrays.copyOf(p.getData(), p.getLength());
                    requests.add(req);
                    for (byte[] reply : behaviour.apply(req)) {
                        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
