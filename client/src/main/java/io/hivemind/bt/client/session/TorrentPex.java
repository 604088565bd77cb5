package io.hivemind.bt.client.session;

import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.core.conn.PeerCandidateList;
import io.hivemind.bt.wire.ext.ExtensionHandshake;
import io.hivemind.bt.wire.ext.ExtensionProtocolException;
import io.hivemind.bt.wire.ext.PexPeer;
import io.hivemind.bt.wire.ext.UtPex;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * BEP 11 Peer Exchange in a torrent: applies {@link PexManager}'s decisions to the torrent's connections. We
 * advertise {@code ut_pex} under {@link PeerConnection#UT_PEX_ID} when PEX is on and the torrent is not known to be
 * private; a private torrent (BEP 27) never sends PEX and ignores what it receives, including a magnet whose
 * metadata turns out private after the handshake. Peers learned go to the candidate list as
 * {@link PeerCandidateList#SOURCE_PEX} (which applies the IP filter and refuses our own address).
 *
 * <p>Not thread-safe: owned by the torrent's event loop. Payloads passed in stay the caller's.
 */
final class TorrentPex {
    private static final System.Logger LOG = System.getLogger(TorrentPex.class.getName());
    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Torrent torrent;
    private final PexManager core;
    private long lastCheck = Long.MIN_VALUE;
    private long received;
    private long learned;

    TorrentPex(Torrent torrent, PexManager.Config config) {
        this.torrent = torrent;
        this.core = new PexManager(config);
    }

    /** PEX may be used now: on in the settings and the torrent not known to be private. */
    boolean active() {
        return torrent.session.settings().enablePex() && !torrent.isPrivate();
    }

    /** A peer's extension handshake (BEP 10) arrived. */
    void handshake(PeerConnection p, ExtensionHandshake hs) {
        core.handshake(p, hs.messageId(UtPex.NAME), torrent.session.now());
    }

    /** Sends the messages that are due (checked once a second from the torrent's tick). */
    void tick(long now) {
        if (lastCheck != Long.MIN_VALUE && now - lastCheck < CHECK_NANOS) {
            return;
        }
        lastCheck = now;
        if (!active()) {
            return;
        }
        for (PeerConnection p : torrent.peers) {
            int id = core.remoteId(p);
            if (id <= 0) {
                continue;
            }
            UtPex m = core.nextMessage(p, torrent.peers, now);
            if (m != null) {
                p.send(m.toMessage(id));
                p.flush();
            }
        }
    }

    /** A {@code ut_pex} message under our id; {@code payload} stays the caller's. */
    void onMessage(PeerConnection p, ByteBuf payload) {
        if (!active()) {
            return;
        }
        UtPex m;
        try {
            m = UtPex.decode(payload);
        } catch (ExtensionProtocolException e) {
            LOG.log(System.Logger.Level.DEBUG, "bad ut_pex from {0}: {1}", p.address(), e.getMessage());
            p.close(DisconnectReason.PROTOCOL_ERROR);
            return;
        }
        received++;
        List<PexPeer> take = new ArrayList<>();
        PexManager.Verdict v = core.received(p, m, torrent.session.now(), take);
        if (v == PexManager.Verdict.FLOOD) {
            p.close(DisconnectReason.MESSAGE_FLOOD);
            return;
        }
        int added = 0;
        for (PexPeer peer : take) {
            if (torrent.addCandidate(peer.address(), PeerCandidateList.SOURCE_PEX)) {
                added++;
            }
        }
        learned += added;
        if (added > 0) {
            torrent.connectCandidates();
        }
    }

    /** The peer disconnected. */
    void gone(PeerConnection p) {
        core.gone(p);
    }

    /** Messages received so far (decoded). */
    long received() {
        return received;
    }

    /** New candidates learned so far. */
    long learned() {
        return learned;
    }
}
