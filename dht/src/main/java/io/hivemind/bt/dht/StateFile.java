package io.hivemind.bt.dht;

import io.hivemind.bt.dht.krpc.Compact;
import io.hivemind.bt.dht.krpc.NodeInfo;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.dht.krpc.KrpcException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The saved routing-table state: {@code d2:id20:…5:nodes<compact>6:nodes6<compact>e}. Written on shutdown as
 * temp file → fsync → rename → fsync directory (DESIGN.md "State on disk"); read on start, where a missing or
 * unreadable file just means "no saved state". Stateless and thread-safe.
 */
final class StateFile {
    /** Largest state file read (a full table of both families is far smaller). */
    private static final int MAX_SIZE = 256 * 1024;

    record State(NodeId id, List<NodeInfo> nodes) {
    }

    private StateFile() {
    }

    static State read(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_SIZE) {
                return null;
            }
            BValue v = BencodeDecoder.decode(Files.readAllBytes(file),
                    new BencodeLimits(4, 100, MAX_SIZE, MAX_SIZE, false));
            if (!(v instanceof BDict d)) {
                return null;
            }
            BBytes id = d.getBytes("id");
            if (id == null || id.length() != NodeId.LENGTH) {
                return null;
            }
            List<NodeInfo> nodes = new ArrayList<>();
            BBytes n4 = d.getBytes("nodes");
            if (n4 != null) {
                nodes.addAll(Compact.parseNodes(n4.bytes(), false, "nodes"));
            }
            BBytes n6 = d.getBytes("nodes6");
            if (n6 != null) {
                nodes.addAll(Compact.parseNodes(n6.bytes(), true, "nodes6"));
            }
            return new State(NodeId.of(id.bytes()), nodes);
        } catch (IOException | BencodeException | KrpcException e) {
            return null;
        }
    }

    static void write(Path file, NodeId id, List<NodeInfo> nodes) throws IOException {
        byte[] data = BDict.builder().put("id", id.toBytes()).put("nodes", Compact.nodes(nodes, false))
                .put("nodes6", Compact.nodes(nodes, true)).build().encode();
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open a directory for sync; the rename is still atomic
        }
    }
}
