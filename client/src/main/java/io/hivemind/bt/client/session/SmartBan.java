package io.hivemind.bt.client.session;

import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.PiecePicker;
import io.hivemind.bt.storage.PieceBuffer;
import io.hivemind.bt.storage.PieceResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Smart ban for one torrent: finds the peers that send corrupt blocks and bans them, keeping honest peers that only
 * shared a piece with them. The decisions are {@link SmartBanPolicy}'s; this class feeds it the torrent's
 * {@link PieceResult}s and applies its outcomes to the session: banned peers are closed with
 * {@link DisconnectReason#BANNED}, their addresses never dialled again, {@link Event.PeerBanned} is published and the
 * ban counted; suspects go on parole in the {@link PiecePicker}; pieces holding blocks of a new suspect or a banned
 * peer are abandoned (their other blocks are fetched again), so that every later failure has one contributor.
 *
 * <p>Who sent a block: every connection gets a serial number, unique for the torrent's lifetime, which the piece
 * buffers record per block ({@link PieceBuffer#add}). Serials outlive the connection (the picker's small peer ids are
 * reused), so a block received before its sender left is still attributed to it; unknown serials count as nobody.
 * A peer's identity across connections ({@link PeerKey}) is its IP address, or on loopback (where every test peer
 * shares 127.0.0.1) its listen address; banned 20-byte peer ids are refused too.
 *
 * <p>Not thread-safe: owned by the torrent's event loop, like {@link Torrent}.
 */
final class SmartBan {
    private static final System.Logger LOG = System.getLogger(SmartBan.class.getName());
    private static final int MAX_DEPARTED = 1024;
    private static final int MAX_BANNED_IDS = 1024;

    /** A peer across connections: its IP, plus its port on loopback. */
    record PeerKey(InetAddress ip, int port) {
        static PeerKey of(InetSocketAddress a) {
            if (a == null || a.getAddress() == null) {
                return null;
            }
            InetAddress ip = a.getAddress();
            return new PeerKey(ip, ip.isLoopbackAddress() ? a.getPort() : 0);
        }

        @Override
        public String toString() {
            return port == 0 ? ip.getHostAddress() : ip.getHostAddress() + ":" + port;
        }
    }

    /** What is remembered of a connection that left: enough to ban it later. */
    private record Departed(PeerKey key, InetSocketAddress address, InetSocketAddress listen, byte[] peerId) {
    }

    private final Torrent torrent;
    private final SmartBanPolicy<PeerKey> policy;
    private final Map<Integer, PeerConnection> live = new HashMap<>();
    private final Map<PieceBuffer, Long> attempts = new java.util.IdentityHashMap<>();
    private final LinkedHashMap<Integer, Departed> departed = new LinkedHashMap<>();
    private final Set<String> bannedIds = new HashSet<>();
    private final List<String> bannedIdOrder = new ArrayList<>();
    private int nextSerial;

    SmartBan(Torrent torrent) {
        this(torrent, SmartBanPolicy.Config.DEFAULT);
    }

    SmartBan(Torrent torrent, SmartBanPolicy.Config config) {
        this.torrent = torrent;
        this.policy = new SmartBanPolicy<>(config);
    }

    static PeerKey keyOf(PeerConnection p) {
        InetSocketAddress listen = p.remoteListenAddress();
        return PeerKey.of(listen != null ? listen : p.address());
    }

    /** At handshake: {@link DisconnectReason#BANNED} for a banned peer (address or peer id), else null. */
    DisconnectReason admit(PeerConnection p) {
        if (policy.isBanned(PeerKey.of(p.address())) || policy.isBanned(keyOf(p))
                || p.remotePeerId() != null && bannedIds.contains(idString(p.remotePeerId()))) {
            return DisconnectReason.BANNED;
        }
        return null;
    }

    /** A connection attached (it has its picker id): give it a serial; a suspect goes on parole at once. */
    void attached(PeerConnection p) {
        int serial = nextSerial++;
        p.assignContributor(serial);
        live.put(serial, p);
        if (torrent.picker != null && policy.isSuspect(keyOf(p))) {
            torrent.picker.setParole(p.id(), true, null);
        }
    }

    /** The connection left: remember who it was for blocks it sent that are still being judged. */
    void detached(PeerConnection p) {
        if (live.remove(p.contributor()) == null) {
            return;
        }
        departed.put(p.contributor(), new Departed(keyOf(p), p.address(), p.remoteListenAddress(), p.remotePeerId()));
        if (departed.size() > MAX_DEPARTED) {
            departed.remove(departed.keySet().iterator().next());
        }
    }

    /** True if the next attempt of {@code piece} must report block hashes ({@code TorrentStorage.begin(piece, true)}). */
    boolean wantsBlockHashes(int piece) {
        return policy.wantsBlockHashes(piece);
    }

    /** A piece buffer was begun: remember when, in the order of attempts. */
    void begun(PieceBuffer b) {
        attempts.put(b, policy.begin(b.piece()));
    }

    /** A piece buffer ended (any result): returns its place in the order of attempts (0 if unknown). */
    long ended(PieceBuffer b) {
        Long a = attempts.remove(b);
        return a == null ? 0 : a;
    }

    /** A piece failed: judge, apply, and return the addresses of its contributors (for {@link Event.HashFailed}). */
    List<InetSocketAddress> pieceFailed(PieceResult.HashFailed f, long attempt) {
        int[] serials = f.blockPeers();
        PeerKey[] senders = new PeerKey[serials.length];
        Set<Integer> distinct = new HashSet<>();
        List<InetSocketAddress> who = new ArrayList<>();
        for (int i = 0; i < serials.length; i++) {
            PeerConnection p = live.get(serials[i]);
            Departed d = p == null ? departed.get(serials[i]) : null;
            senders[i] = p != null ? keyOf(p) : d != null ? d.key() : null;
            if (distinct.add(serials[i])) {
                if (p != null) {
                    p.hashFailed();
                    who.add(p.address());
                } else if (d != null) {
                    who.add(d.address());
                }
            }
        }
        apply(policy.pieceFailed(f.piece(), attempt, senders, f.blockHashes()));
        return who;
    }

    /** A piece verified: judge the blocks of its failed attempts, if any. */
    void pieceVerified(PieceResult.Verified v) {
        if (policy.wantsBlockHashes(v.piece())) {
            apply(policy.pieceVerified(v.piece(), v.blockHashes()));
        }
    }

    private void apply(SmartBanPolicy.Outcome<PeerKey> o) {
        if (o.isEmpty()) {
            return;
        }
        PiecePicker picker = torrent.picker;
        for (SmartBanPolicy.Ban<PeerKey> ban : o.bans()) {
            ban(ban);
        }
        for (PeerKey k : o.newSuspects()) {
            for (PeerConnection p : liveWith(k)) {
                if (picker != null) {
                    picker.setParole(p.id(), true, null);
                    abandonTainted(p);
                }
            }
        }
        for (PeerKey k : o.cleared()) {
            for (PeerConnection p : liveWith(k)) {
                if (picker != null) {
                    picker.setParole(p.id(), false, null);
                }
            }
        }
    }

    private void ban(SmartBanPolicy.Ban<PeerKey> ban) {
        long now = torrent.session.now();
        String why = "smart ban: " + switch (ban.reason()) {
            case SOLE_CONTRIBUTOR -> "sole contributor of failed piece " + ban.piece();
            case BLOCK_DIFFERED -> "sent a corrupt block of piece " + ban.piece();
            case INCONSISTENT_DATA -> "sent different data for one block of piece " + ban.piece();
            case REPEATED_FAILURES -> "in too many failed pieces (last " + ban.piece() + ")";
        };
        torrent.session.counters().smartBans.increment();
        boolean announced = false;
        for (PeerConnection p : liveWith(ban.peer())) {
            banId(p.remotePeerId());
            torrent.banAddress(p.incoming() ? p.remoteListenAddress() : p.address());
            if (torrent.picker != null) {
                abandonTainted(p);
            }
            torrent.session.publish(new Event.PeerBanned(now, torrent.infoHashes(), p.address(), why));
            announced = true;
            p.close(DisconnectReason.BANNED);
        }
        for (Departed d : departed.values()) {
            if (ban.peer().equals(d.key())) {
                banId(d.peerId());
                torrent.banAddress(d.listen() != null ? d.listen() : d.address());
                if (!announced) {
                    torrent.session.publish(new Event.PeerBanned(now, torrent.infoHashes(), d.address(), why));
                    announced = true;
                }
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0}: banned {1}: {2}", torrent.name(), ban.peer(), why);
    }

    /** Gives up the pieces (still open) that hold a block of {@code p}: they are fetched again without it. */
    private void abandonTainted(PeerConnection p) {
        IntList pieces = new IntList();
        torrent.picker.taintedPieces(p.id(), pieces);
        for (int i = 0; i < pieces.size(); i++) {
            int piece = pieces.get(i);
            PieceBuffer b = torrent.inFlight.get(piece);
            if (b != null && b.isClosed()) {
                continue; // complete and being verified: it will be judged on its own
            }
            if (b != null) {
                torrent.inFlight.remove(piece);
                b.abandon();
            }
            torrent.picker.pieceFailed(piece);
        }
    }

    private List<PeerConnection> liveWith(PeerKey k) {
        List<PeerConnection> out = new ArrayList<>(1);
        for (PeerConnection p : live.values()) {
            if (k.equals(keyOf(p))) {
                out.add(p);
            }
        }
        return out;
    }

    private void banId(byte[] peerId) {
        if (peerId == null) {
            return;
        }
        String s = idString(peerId);
        if (bannedIds.add(s)) {
            bannedIdOrder.add(s);
            if (bannedIdOrder.size() > MAX_BANNED_IDS) {
                bannedIds.remove(bannedIdOrder.remove(0));
            }
        }
    }

    private static String idString(byte[] id) {
        return new String(id, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** For tests: is this peer banned or suspected. */
    boolean isBanned(InetSocketAddress a) {
        return policy.isBanned(PeerKey.of(a));
    }

    boolean isSuspect(InetSocketAddress a) {
        return policy.isSuspect(PeerKey.of(a));
    }
}
