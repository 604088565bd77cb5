package io.hivemind.bt.client.session;

import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.PeerIds;
import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.choker.ChokerPeerView;
import io.hivemind.bt.client.core.picker.BlockLayout;
import io.hivemind.bt.client.core.picker.PickerPeer;
import io.hivemind.bt.client.core.picker.PiecePicker;
import io.hivemind.bt.client.core.pipeline.RequestPipeline;
import io.hivemind.bt.client.core.rate.RateEstimator;
import io.hivemind.bt.storage.PieceBuffer;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.ext.ExtensionHandshake;
import io.hivemind.bt.wire.ext.ExtensionProtocolException;
import io.hivemind.bt.wire.mse.MseHandshakeCompletionEvent;
import io.hivemind.bt.wire.peer.PeerHandshake;
import io.hivemind.bt.wire.peer.PeerHandshakePrefix;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.hivemind.bt.wire.peer.PeerProtocolException;
import io.hivemind.bt.wire.peer.PeerTimeoutException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Set;

/**
 * One peer connection: the last handler of the channel's pipeline and the torrent-side state of the peer.
 *
 * <p>Threading: Netty calls the {@code channel…} methods on the channel's event loop; everything they do is posted
 * (in order) to the torrent's loop unless the two are the same, and every other method runs on the torrent's loop.
 * Writes from the torrent's loop to a channel registered elsewhere are queued by Netty in order.
 *
 * <p>Buffers: inbound messages with payloads are released here, except {@code piece} payloads, whose ownership
 * passes to the torrent's {@link PieceBuffer} (which releases them). Outbound messages belong to the pipeline once
 * written.
 */
final class PeerConnection extends ChannelInboundHandlerAdapter implements PickerPeer, ChokerPeerView,
        PexManager.Peer {
    private static final System.Logger LOG = System.getLogger(PeerConnection.class.getName());
    static final Set<PeerHandshake.Feature> FEATURES = EnumSet.of(PeerHandshake.Feature.FAST,
            PeerHandshake.Feature.EXTENSION_PROTOCOL);
    static final Set<PeerHandshake.Feature> FEATURES_WITH_DHT = EnumSet.of(PeerHandshake.Feature.FAST,
            PeerHandshake.Feature.EXTENSION_PROTOCOL, PeerHandshake.Feature.DHT);
    /** Our BEP 10 message ids. */
    static final int UT_METADATA_ID = 3;
    static final int UT_PEX_ID = 1;
    static final int OUR_REQQ = 2000;
    private static final int MAX_UPLOAD_QUEUE = 2000;
    private static final int MAX_READS_IN_FLIGHT = 16;
    private static final int MAX_REQUESTS_WHILE_CHOKED = 2000;
    private static final int MAX_UNWANTED_BLOCKS = 200;
    private static final int MAX_HINTS = 32;
    private static final int MAX_HASH_REQUESTS_PER_TICK = 32;
    private static final int BLOCK = BlockLayout.BLOCK_SIZE;

    private final DefaultSession session;
    private Torrent torrent;
    private final boolean incoming;
    private InetSocketAddress address;
    private Channel channel;
    private int id = -1;
    private int contributor = -1;
    private byte[] peerId;
    private String client = "unknown";
    private boolean fast;
    private boolean extensions;
    private boolean attached;
    private boolean closed;
    private boolean sentHaves;
    private volatile boolean encrypted;
    private volatile boolean retryPlaintext;

    // remote state
    private Bitfield pieces;
    private boolean haveAll;
    private byte[] earlyBitfield;
    private IntList earlyHaves;
    private boolean countedInPicker;
    private boolean sawPiecesMessage;
    private int haveMessages;
    private int bitfields;
    private boolean peerChoking = true;
    private boolean peerInterested;
    private boolean amChoking = true;
    private boolean amInterested;
    private final IntList allowedFast = new IntList();
    private final IntList suggested = new IntList();
    private ExtensionHandshake remoteExtensions;
    private int remoteUtMetadata = -1;
    private InetSocketAddress remoteListen;

    // requests and uploads
    private RequestPipeline pipeline;
    private final IntList uploadQueue = new IntList(); // Q ints per request: piece, begin, length, queued at (ms)
    private static final int Q = 4;
    private final IntList suggestedToPeer = new IntList();
    private boolean tunedForSeeding;
    private int readsInFlight;
    private int requestsWhileChoked;
    private int unwantedBlocks;
    private int hashFailures;
    private int hashRequests;

    // accounting
    private final RateEstimator down;
    private final RateEstimator up;
    private long downloadedBytes;
    private long uploadedBytes;
    private long uploadedSinceUnchoke;
    private long unchokedAt = Long.MIN_VALUE;
    private long lastOptimistic = Long.MIN_VALUE;
    private long connectedAt;

    PeerConnection(DefaultSession session, Torrent torrent, boolean incoming, InetSocketAddress address) {
        this.session = session;
        this.torrent = torrent;
        this.incoming = incoming;
        this.address = address;
        long now = session.now();
        this.down = new RateEstimator(now);
        this.up = new RateEstimator(now);
        this.connectedAt = now;
    }

    // ---- Netty side (channel's event loop) ------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        if (address == null) {
            address = (InetSocketAddress) channel.remoteAddress();
        }
        if (!incoming) {
            torrent.pendingAttach(this, true);
            PeerChannels.torrentKnown(ctx.pipeline(), torrent);
            ctx.writeAndFlush(ourHandshake(outgoingInfoHash()));
        }
        super.channelActive(ctx);
    }

    private byte[] outgoingInfoHash() {
        return torrent.infoHashes().wireId();
    }

    private PeerHandshake ourHandshake(byte[] infoHash) {
        boolean dht = session.dht() != null && (torrent == null || !torrent.isPrivate());
        return PeerHandshake.of(dht ? FEATURES_WITH_DHT : FEATURES, infoHash, session.peerId());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PeerHandshakePrefix prefix) {
            // incoming: answer as soon as we know the torrent (BEP 3)
            Torrent t = session.torrentFor(prefix.infoHash());
            if (t == null) {
                close(DisconnectReason.UNKNOWN_TORRENT);
                return;
            }
            torrent = t;
            PeerChannels.torrentKnown(ctx.pipeline(), t);
            dispatch(() -> torrent.pendingAttach(this, true));
            ctx.writeAndFlush(ourHandshake(prefix.infoHash()));
            return;
        }
        if (msg instanceof PeerHandshake hs) {
            dispatch(() -> handshakeDone(hs));
            return;
        }
        if (msg instanceof PeerMessage m) {
            dispatch(() -> {
                try {
                    handle(m);
                } catch (RuntimeException e) {
                    ReferenceCountUtil.safeRelease(m);
                    protocolError(e);
                }
            });
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof MseHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                encrypted = e.result().encrypted();
            } else {
                if (closeReason == null) {
                    closeReason = switch (e.cause().reason()) {
                        case TIMEOUT -> DisconnectReason.HANDSHAKE_TIMEOUT;
                        case PEER_CLOSED -> DisconnectReason.PEER_CLOSED;
                        case UNKNOWN_INFO_HASH -> DisconnectReason.UNKNOWN_TORRENT;
                        default -> DisconnectReason.ENCRYPTION_ERROR;
                    };
                }
                if (!incoming && e.plaintextRetryAdvised()) {
                    retryPlaintext = true;
                }
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        dispatch(this::readBatchDone);
    }

    /** Blocks received since the last read batch: refill the request pipeline once for all of them, then send. */
    private boolean refillDue;

    private void readBatchDone() {
        if (refillDue) {
            refillDue = false;
            fillRequests();
        }
        flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            dispatch(this::pumpUploads);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dispatch(() -> closed(closeReason != null ? closeReason : DisconnectReason.PEER_CLOSED));
    }

    private volatile DisconnectReason closeReason;

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        DisconnectReason reason = reasonFor(cause);
        if (closeReason == null) {
            closeReason = reason;
        }
        LOG.log(System.Logger.Level.DEBUG, "peer " + address, cause);
        ctx.close();
    }

    static DisconnectReason reasonFor(Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null
                && !(cause instanceof PeerProtocolException) ? cause.getCause() : cause;
        if (c instanceof PeerTimeoutException t) {
            return t.kind() == PeerTimeoutException.Kind.HANDSHAKE ? DisconnectReason.HANDSHAKE_TIMEOUT
                    : DisconnectReason.INACTIVITY_TIMEOUT;
        }
        if (c instanceof PeerProtocolException p) {
            return switch (p.reason()) {
                case MESSAGE_TOO_LONG -> DisconnectReason.MESSAGE_TOO_LONG;
                case BAD_PROTOCOL_LENGTH, BAD_PROTOCOL_STRING -> DisconnectReason.BAD_HANDSHAKE;
                case UNKNOWN_INFO_HASH -> DisconnectReason.UNKNOWN_TORRENT;
                default -> DisconnectReason.PROTOCOL_ERROR;
            };
        }
        if (c instanceof IOException) {
            return DisconnectReason.NETWORK_ERROR;
        }
        return DisconnectReason.PROTOCOL_ERROR;
    }

    /** Runs {@code r} on the torrent's loop (at once if we are on it). */
    private void dispatch(Runnable r) {
        Torrent t = torrent;
        if (t == null || t.loop.inEventLoop()) {
            r.run();
        } else {
            try {
                t.loop.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // session shutting down
            }
        }
    }

    // ---- torrent side (torrent's loop) ----------------------------------------------------------------------------

    private void handshakeDone(PeerHandshake hs) {
        torrent.pendingAttach(this, false);
        if (closed || channel == null || !channel.isActive()) {
            if (closeReason == null && session.isOwnPeerId(hs.peerId())) {
                closeReason = DisconnectReason.SELF_CONNECTION; // the other end of a self-connection hung up first
            }
            return;
        }
        peerId = hs.peerId();
        client = PeerIds.clientName(peerId);
        fast = hs.has(PeerHandshake.Feature.FAST);
        extensions = hs.has(PeerHandshake.Feature.EXTENSION_PROTOCOL);
        boolean peerDht = hs.has(PeerHandshake.Feature.DHT);
        DisconnectReason refused = torrent.attach(this);
        if (refused != null) {
            closeReason = refused;
            session.counters().disconnected(refused);
            if (!incoming) {
                torrent.dialEnded(address);
            }
            channel.close();
            closed = true;
            return;
        }
        attached = true;
        pipeline = new RequestPipeline(session.now());
        pipeline.setFastExtension(fast);
        if (extensions) {
            sendExtensionHandshake();
        }
        if (peerDht && session.dht() != null && !torrent.isPrivate()) {
            // BEP 5: tell DHT-capable peers our DHT port
            session.dht().localAddresses().stream().findFirst()
                    .ifPresent(a -> send(new PeerMessage.Port(a.getPort())));
        }
        if (torrent.picker != null) {
            metadataKnown();
        } else if (fast) {
            send(PeerMessage.HaveNone.INSTANCE);
            sentHaves = true;
        }
        if (torrent.picker != null && torrent.state() != io.hivemind.bt.client.TorrentState.CHECKING) {
            sendHaves();
        } else if (fast && !sentHaves) {
            send(PeerMessage.HaveNone.INSTANCE);
            sentHaves = true;
        }
        flush();
    }

    private void sendExtensionHandshake() {
        ExtensionHandshake.Builder b = ExtensionHandshake.builder()
                .message(io.hivemind.bt.wire.ext.UtMetadata.NAME, UT_METADATA_ID)
                .client("hivebt 0.1.0")
                .requestQueue(OUR_REQQ);
        if (torrent.pex.active()) {
            b.message(io.hivemind.bt.wire.ext.UtPex.NAME, UT_PEX_ID); // BEP 11; never for private torrents
        }
        int port = session.listenPort();
        if (port > 0) {
            b.port(port);
        }
        if (address != null && address.getAddress() != null) {
            b.yourIp(address.getAddress());
        }
        if (torrent.info != null) {
            b.metadataSize((long) torrent.info.rawLength());
        }
        send(b.build().toMessage());
    }

    /** Our pieces: bitfield, have-all or have-none (BEP 3, BEP 6), once, right after the handshake. */
    private void sendHaves() {
        if (sentHaves) {
            // we already said have-none (metadata or check was pending): announce what we have one by one
            Bitfield have = torrent.picker.have();
            for (int i = have.nextSet(0); i >= 0; i = have.nextSet(i + 1)) {
                send(new PeerMessage.Have(i));
            }
            return;
        }
        sentHaves = true;
        Bitfield have = torrent.picker.have();
        if (fast && have.isFull()) {
            send(PeerMessage.HaveAll.INSTANCE);
        } else if (fast && have.isEmpty()) {
            send(PeerMessage.HaveNone.INSTANCE);
        } else if (!have.isEmpty()) {
            send(PeerMessage.Bitfield.of(have));
        }
    }

    /** The torrent's metadata became known (at attach time, or later for a magnet). */
    void metadataKnown() {
        if (!attached || pieces != null) {
            return;
        }
        int n = torrent.info.pieceCount();
        pieces = new Bitfield(n);
        if (haveAll) {
            pieces.setAll();
        } else if (earlyBitfield != null) {
            try {
                pieces = Bitfield.fromWire(earlyBitfield, n);
            } catch (Bitfield.InvalidBitfieldException e) {
                close(DisconnectReason.BAD_BITFIELD);
                return;
            }
        }
        if (earlyHaves != null) {
            for (int i = 0; i < earlyHaves.size(); i++) {
                int p = earlyHaves.get(i);
                if (p >= n) {
                    close(DisconnectReason.PROTOCOL_ERROR);
                    return;
                }
                pieces.set(p);
            }
        }
        earlyBitfield = null;
        earlyHaves = null;
        countInPicker();
    }

    private void countInPicker() {
        if (countedInPicker || torrent.picker == null) {
            return;
        }
        countedInPicker = true;
        if (haveAll || pieces.isFull()) {
            haveAll = true;
            pieces.setAll();
            torrent.picker.seedJoined();
        } else {
            torrent.picker.peerBitfield(pieces);
        }
    }

    /** Undoes this peer's availability counts in {@code picker}. */
    void releaseAvailability(PiecePicker picker) {
        if (!countedInPicker) {
            return;
        }
        countedInPicker = false;
        if (haveAll) {
            picker.seedLeft();
        } else {
            picker.peerLeft(pieces);
        }
    }

    /** Checking finished: tell the peer what we have and start trading. */
    void torrentReady() {
        if (!attached || closed) {
            return;
        }
        sendHaves();
        updateInterest();
        fillRequests();
        flush();
    }

    private void handle(PeerMessage m) {
        if (closed || closeReason != null) { // closing: nothing more from this peer counts
            ReferenceCountUtil.release(m);
            return;
        }
        if (!attached) {
            ReferenceCountUtil.release(m);
            return;
        }
        long now = session.now();
        switch (m) {
            case PeerMessage.KeepAlive k -> {
            }
            case PeerMessage.Choke c -> {
                peerChoking = true;
                IntList dropped = torrent.scratch();
                pipeline.choked(dropped);
                abortAll(dropped);
            }
            case PeerMessage.Unchoke u -> {
                peerChoking = false;
                pipeline.unchoked(now);
                fillRequests();
            }
            case PeerMessage.Interested i -> {
                if (!peerInterested) {
                    peerInterested = true;
                    torrent.interestChanged(this);
                }
            }
            case PeerMessage.NotInterested n -> {
                if (peerInterested) {
                    peerInterested = false;
                    torrent.interestChanged(this);
                }
            }
            case PeerMessage.Have h -> onHave(h.piece());
            case PeerMessage.Bitfield b -> {
                try {
                    onBitfield(ByteBufUtil.getBytes(b.payload()));
                } finally {
                    b.release();
                }
            }
            case PeerMessage.HaveAll h -> onHaveAll();
            case PeerMessage.HaveNone h -> onHaveNone();
            case PeerMessage.Request r -> onRequest(r.piece(), r.begin(), r.length());
            case PeerMessage.Cancel c -> onCancel(c.piece(), c.begin(), c.length());
            case PeerMessage.Piece p -> onPiece(p, now);
            case PeerMessage.RejectRequest r -> onReject(r);
            case PeerMessage.AllowedFast a -> {
                if (allowedFast.size() < MAX_HINTS && !allowedFast.contains(a.piece())) {
                    allowedFast.add(a.piece());
                    fillRequests();
                }
            }
            case PeerMessage.SuggestPiece s -> {
                if (suggested.size() >= MAX_HINTS) {
                    suggested.removeAt(0);
                }
                suggested.add(s.piece());
            }
            case PeerMessage.Port p -> {
                // BEP 5: the peer runs a DHT node on this port; ping it so it may enter our routing table
                if (session.dht() != null && p.port() > 0 && address != null && !torrent.isPrivate()) {
                    session.dht().addNode(new InetSocketAddress(address.getAddress(), p.port()));
                }
            }
            case PeerMessage.Extended e -> {
                try {
                    onExtended(e);
                } finally {
                    e.release();
                }
            }
            case PeerMessage.HashRequest r -> {
                // BEP 52: piece layers for v2 downloaders; a few per tick, like any request
                byte[] hashes = ++hashRequests > MAX_HASH_REQUESTS_PER_TICK ? null
                        : torrent.layerServer.answer(torrent.metainfo(), r);
                send(hashes == null ? new PeerMessage.HashReject(r)
                        : new PeerMessage.Hashes(r, io.netty.buffer.Unpooled.wrappedBuffer(hashes)));
            }
            case PeerMessage.Hashes h -> {
                try {
                    if (torrent.layerFetch != null) {
                        torrent.layerFetch.onHashes(this, h);
                    }
                } finally {
                    h.release();
                }
            }
            case PeerMessage.HashReject r -> {
                if (torrent.layerFetch != null) {
                    torrent.layerFetch.onReject(this, r);
                }
            }
            case PeerMessage.Unknown u -> u.release();
        }
    }

    private void onHave(int piece) {
        if (++haveMessages > 4 * Math.max(1024, torrent.info != null ? torrent.info.pieceCount() : 0)) {
            close(DisconnectReason.MESSAGE_FLOOD);
            return;
        }
        sawPiecesMessage = true;
        if (pieces == null) {
            if (earlyHaves == null) {
                earlyHaves = new IntList();
            }
            if (earlyHaves.size() < 1 << 21) {
                earlyHaves.add(piece);
            }
            return;
        }
        if (piece >= pieces.size()) {
            close(DisconnectReason.PROTOCOL_ERROR);
            return;
        }
        if (haveAll || !pieces.set(piece)) {
            return;
        }
        if (countedInPicker) {
            torrent.picker.peerHas(piece);
        }
        if (pieces.isFull() && countedInPicker) {
            // became a seed: move its counts to the O(1) seed counter
            torrent.picker.peerLeft(pieces);
            haveAll = true;
            torrent.picker.seedJoined();
        }
        if (!amInterested && torrent.picker != null && torrent.picker.isInteresting(piece)) {
            setInterested(true);
        }
        if (isSeed() && torrent.picker != null && torrent.picker.isSeed()) {
            close(DisconnectReason.BOTH_SEEDS);
        }
    }

    private void onBitfield(byte[] bits) {
        // BEP 3 puts the bitfield first, but aria2 1.36 sends a fresh bitfield after each piece it completes; a
        // later bitfield replaces what we knew (recounted in the picker). More than one per piece is a flood.
        int pieceCount = torrent.info != null ? torrent.info.pieceCount() : 0;
        if (++bitfields > 8 + 2L * pieceCount) {
            close(DisconnectReason.MESSAGE_FLOOD);
            return;
        }
        sawPiecesMessage = true;
        if (pieces == null && torrent.info == null) {
            earlyBitfield = bits;
            return;
        }
        try {
            Bitfield b = Bitfield.fromWire(bits, torrent.info.pieceCount());
            if (countedInPicker) {
                releaseAvailability(torrent.picker);
            }
            haveAll = false;
            pieces = b;
            countInPicker();
        } catch (Bitfield.InvalidBitfieldException e) {
            close(DisconnectReason.BAD_BITFIELD);
            return;
        }
        afterPiecesKnown();
    }

    private void onHaveAll() {
        if (sawPiecesMessage || !fast) {
            close(DisconnectReason.PROTOCOL_ERROR);
            return;
        }
        sawPiecesMessage = true;
        if (pieces != null && countedInPicker) {
            releaseAvailability(torrent.picker);
        }
        haveAll = true;
        if (pieces != null) {
            pieces.setAll();
            countInPicker();
        }
        afterPiecesKnown();
    }

    private void onHaveNone() {
        if (sawPiecesMessage || !fast) {
            close(DisconnectReason.PROTOCOL_ERROR);
            return;
        }
        sawPiecesMessage = true;
    }

    private void afterPiecesKnown() {
        if (isSeed() && torrent.picker != null && torrent.picker.isSeed()) {
            close(DisconnectReason.BOTH_SEEDS);
            return;
        }
        updateInterest();
        fillRequests();
    }

    /** Sends interested / not interested when our interest in the peer's pieces changed. */
    void updateInterest() {
        if (!attached || closed || pieces == null || torrent.picker == null) {
            return;
        }
        boolean want = torrent.isDownloading() && torrent.picker.isInteresting(pieces);
        if (want != amInterested) {
            setInterested(want);
        }
    }

    private void setInterested(boolean on) {
        amInterested = on;
        send(on ? PeerMessage.Interested.INSTANCE : PeerMessage.NotInterested.INSTANCE);
    }

    // ---- downloading ---------------------------------------------------------------------------------------------

    /** Requests as many blocks as the pipeline wants, from the picker. */
    void fillRequests() {
        if (!attached || closed || pieces == null || !torrent.isDownloading() || !amInterested) {
            return;
        }
        if (peerChoking && allowedFast.isEmpty()) {
            return;
        }
        long now = session.now();
        int want = pipeline.requestsWanted(now);
        if (want <= 0) {
            return;
        }
        IntList picked = torrent.scratch();
        PiecePicker picker = torrent.picker;
        picker.pickBlocks(this, want, now, picked);
        BlockLayout layout = torrent.layout;
        boolean sent = false;
        for (int i = 0; i < picked.size(); i++) {
            int block = picked.get(i);
            int piece = layout.pieceOf(block);
            int len = layout.blockLength(block);
            PieceBuffer buf = torrent.inFlight.get(piece);
            if (buf == null && (torrent.memoryStarved() || (buf = torrent.bufferFor(piece)) == null)) {
                picker.abortRequest(block, id);
                continue;
            }
            if (!torrent.takeDownloadQuota(len, now)) {
                for (int j = i; j < picked.size(); j++) {
                    picker.abortRequest(picked.get(j), id);
                }
                break;
            }
            pipeline.requestSent(block, now);
            send(new PeerMessage.Request(piece, layout.blockOffset(block), len));
            sent = true;
        }
        if (sent) {
            flush();
        }
    }

    private void onPiece(PeerMessage.Piece m, long now) {
        int len = m.length();
        session.counters().protocolDown.add(len + 13L);
        if (torrent.picker == null || pieces == null) {
            m.release();
            close(DisconnectReason.UNWANTED_DATA);
            return;
        }
        BlockLayout layout = torrent.layout;
        int piece = m.piece();
        int begin = m.begin();
        if (piece >= layout.pieceCount() || (begin & (BLOCK - 1)) != 0 || begin >= layout.pieceSize(piece)) {
            m.release();
            close(DisconnectReason.UNWANTED_DATA);
            return;
        }
        int block = layout.block(piece, begin);
        if (len != layout.blockLength(block)) {
            m.release();
            close(DisconnectReason.UNWANTED_DATA);
            return;
        }
        RequestPipeline.Answer a = pipeline.blockReceived(block, len, now);
        if (a == RequestPipeline.Answer.UNEXPECTED) {
            m.release();
            session.counters().wastedBytes.add(len);
            if (++unwantedBlocks > MAX_UNWANTED_BLOCKS) {
                close(DisconnectReason.UNWANTED_DATA);
            }
            return;
        }
        downloadedBytes += len;
        down.add(len, now);
        torrent.payloadReceived(len, now);
        IntList cancels = new IntList(0);
        PiecePicker.BlockResult r = torrent.picker.blockReceived(block, id, now, cancels);
        if (r == PiecePicker.BlockResult.DUPLICATE || r == PiecePicker.BlockResult.UNWANTED) {
            m.release();
            session.counters().wastedBytes.add(len);
        } else {
            PieceBuffer buf = torrent.inFlight.get(piece);
            if (buf == null) {
                buf = torrent.bufferFor(piece);
            }
            if (buf == null) {
                m.release();
                torrent.picker.pieceFailed(piece);
            } else {
                buf.add(begin, m.payload(), contributor);
            }
        }
        for (int i = 0; i < cancels.size(); i++) {
            PeerConnection other = torrent.peerById(cancels.get(i));
            if (other != null && other != this && other.pipeline.cancel(block)) {
                other.send(new PeerMessage.Cancel(piece, begin, len));
            }
        }
        // requests leave at the end of the read batch anyway (flush consolidation): pick once per batch, not per block
        refillDue = true;
    }

    private void onReject(PeerMessage.RejectRequest r) {
        if (!fast) {
            close(DisconnectReason.PROTOCOL_ERROR);
            return;
        }
        BlockLayout layout = torrent.layout;
        if (layout == null || r.piece() >= layout.pieceCount() || (r.begin() & (BLOCK - 1)) != 0
                || r.begin() >= layout.pieceSize(r.piece())) {
            return;
        }
        int block = layout.block(r.piece(), r.begin());
        if (pipeline.rejected(block) == RequestPipeline.Answer.EXPECTED) {
            torrent.picker.abortRequest(block, id);
        }
        int idx = allowedFast.indexOf(r.piece());
        if (idx >= 0 && peerChoking) {
            allowedFast.removeAt(idx); // BEP 6: a reject while choked withdraws the allowance
        }
    }

    private void abortAll(IntList blocks) {
        if (torrent.picker == null) {
            return;
        }
        for (int i = 0; i < blocks.size(); i++) {
            torrent.picker.abortRequest(blocks.get(i), id);
        }
        if (!blocks.isEmpty()) {
            for (PeerConnection p : torrent.peers) {
                if (p != this) {
                    p.fillRequests();
                }
            }
        }
    }

    /** Periodic work: request timeouts and snubbing, upload quota refills. */
    void tick(long now) {
        if (!attached || closed) {
            return;
        }
        hashRequests = 0;
        if (pipeline != null && torrent.picker != null) {
            IntList released = torrent.scratch();
            pipeline.tick(now, released);
            if (!released.isEmpty()) {
                BlockLayout layout = torrent.layout;
                for (int i = 0; i < released.size(); i++) {
                    int b = released.get(i);
                    torrent.picker.abortRequest(b, id);
                    send(new PeerMessage.Cancel(layout.pieceOf(b), layout.blockOffset(b), layout.blockLength(b)));
                }
            }
            updateInterest();
            fillRequests();
        }
        pumpUploads();
        flush();
    }

    void hashFailed() {
        hashFailures++;
    }

    // ---- uploading -----------------------------------------------------------------------------------------------

    private void onRequest(int piece, int begin, int length) {
        if (torrent.info == null || !torrent.isUploading()) {
            reject(piece, begin, length);
            return;
        }
        if (piece >= torrent.info.pieceCount() || length <= 0 || length > BLOCK
                || (long) begin + length > requestablePieceSize(piece)) {
            LOG.log(System.Logger.Level.DEBUG, "peer {0}: bad request piece {1} begin {2} length {3} (piece size {4})",
                    address, piece, begin, length, piece < torrent.info.pieceCount() ? requestablePieceSize(piece) : -1);
            close(DisconnectReason.BAD_REQUEST);
            return;
        }
        if (!torrent.picker.hasPiece(piece)) {
            reject(piece, begin, length);
            return;
        }
        if (amChoking) {
            reject(piece, begin, length);
            if (++requestsWhileChoked > MAX_REQUESTS_WHILE_CHOKED) {
                close(DisconnectReason.REQUEST_FLOOD);
            }
            return;
        }
        if (uploadQueue.size() / Q >= MAX_UPLOAD_QUEUE) {
            close(DisconnectReason.REQUEST_FLOOD);
            return;
        }
        uploadQueue.add(piece);
        uploadQueue.add(begin);
        uploadQueue.add(length);
        uploadQueue.add((int) ((session.now() - connectedAt) / 1_000_000));
        pumpUploads();
    }

    /**
     * How far into a piece a peer may request. BEP 52 cuts the last piece of each file at the file's end, but
     * libtorrent maps v2 torrents with implicit pad files (after the last file too) and requests whole 16 KiB
     * blocks across that alignment gap; we answer those bytes with zeros, as a pad file would hold.
     */
    private int requestablePieceSize(int piece) {
        var info = torrent.info;
        int size = info.pieceSize(piece);
        if (info.version() == io.hivemind.bt.wire.metainfo.TorrentVersion.V2) {
            long rounded = ((long) size + BLOCK - 1) / BLOCK * BLOCK;
            return (int) Math.min(info.pieceLength(), rounded);
        }
        return size;
    }

    private void reject(int piece, int begin, int length) {
        if (fast) {
            send(new PeerMessage.RejectRequest(piece, begin, length));
        }
    }

    private void onCancel(int piece, int begin, int length) {
        for (int i = 0; i + Q - 1 < uploadQueue.size(); i += Q) {
            if (uploadQueue.get(i) == piece && uploadQueue.get(i + 1) == begin && uploadQueue.get(i + 2) == length) {
                removeQueued(i / Q);
                if (fast) {
                    send(new PeerMessage.RejectRequest(piece, begin, length));
                }
                return;
            }
        }
    }

    /**
     * Reads and sends queued blocks while the channel is writable and quota allows: in arrival order while
     * downloading, in the {@link SeedingStrategy}'s order (with short send queues and suggestions) while seeding.
     */
    void pumpUploads() {
        if (closed || channel == null || torrent.storage == null) {
            return;
        }
        long now = session.now();
        SeedingStrategy seeding = torrent.seedingStrategy();
        int maxReads = MAX_READS_IN_FLIGHT;
        if (seeding != null) {
            tuneForSeeding();
            maxReads = SEED_READS_IN_FLIGHT;
            if (!amChoking) {
                seeding.suggest(this, pieces, suggestedToPeer, now);
                rejectStale(seeding, now);
            }
        }
        boolean sentNow = false;
        while (!uploadQueue.isEmpty() && readsInFlight < maxReads && channel.isWritable()) {
            int at = seeding == null ? 0 : seeding.next(id, pieces, uploadQueue, Q, now);
            if (at < 0) {
                break;
            }
            int piece = uploadQueue.get(at * Q);
            int begin = uploadQueue.get(at * Q + 1);
            int length = uploadQueue.get(at * Q + 2);
            if (!torrent.takeUploadQuota(length, now)) {
                break;
            }
            removeQueued(at);
            if (seeding != null) {
                seeding.sent(id, piece, begin, now);
            }
            readsInFlight++;
            int stored = Math.min(length, torrent.info.pieceSize(piece) - begin); // < length only in a v2 alignment gap
            if (stored <= 0) {
                torrent.loop.execute(() -> blockRead(piece, begin, length, channel.alloc().buffer(length).writeZero(length), null));
                continue;
            }
            ByteBuf resident = stored == length ? torrent.storage.readBlockIfResident(piece, begin, length) : null;
            if (resident != null) { // in the page cache: no round trip through the disk executor
                readsInFlight--;
                sendBlock(piece, begin, length, resident, now);
                sentNow = true;
                continue;
            }
            torrent.storage.readBlock(piece, begin, stored).whenComplete((buf, e) -> blockRead(piece, begin, length,
                    buf == null || stored == length ? buf : padWithZeros(buf, length - stored), e));
        }
        if (sentNow) {
            flush();
        }
    }

    private static final int SEED_READS_IN_FLIGHT = 4;

    private void removeQueued(int index) {
        uploadQueue.removeRange(index * Q, index * Q + Q);
    }

    /**
     * Seeding: turns down (BEP 6) deferred requests that waited too long, so the peer asks someone else. The queue
     * is in arrival order (requests are appended and removed without reordering), so only its prefix older than
     * {@link SeedingStrategy#DEFER_REJECT_NANOS} is looked at, usually nothing: this runs on every pump.
     */
    private void rejectStale(SeedingStrategy seeding, long now) {
        if (!fast) {
            return;
        }
        boolean any = false;
        int i = 0;
        while (i + Q - 1 < uploadQueue.size()) {
            long queuedAt = connectedAt + uploadQueue.get(i + 3) * 1_000_000L;
            if (now - queuedAt < SeedingStrategy.DEFER_REJECT_NANOS) {
                break;
            }
            if (seeding.shouldReject(id, pieces, uploadQueue.get(i), uploadQueue.get(i + 1), queuedAt, now)) {
                send(new PeerMessage.RejectRequest(uploadQueue.get(i), uploadQueue.get(i + 1), uploadQueue.get(i + 2)));
                removeQueued(i / Q);
                any = true;
            } else {
                i += Q;
            }
        }
        if (any) {
            flush();
        }
    }

    /** Seeding: short send queues, so the strategy's order decides what goes out (see {@link SeedingStrategy}). */
    private void tuneForSeeding() {
        if (tunedForSeeding) {
            return;
        }
        tunedForSeeding = true;
        var config = channel.config();
        config.setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(SeedingStrategy.PENDING_LOW,
                SeedingStrategy.PENDING_HIGH));
        try {
            if (!config.setOption(io.netty.channel.epoll.EpollChannelOption.TCP_NOTSENT_LOWAT, SeedingStrategy.NOTSENT_LOWAT)) {
                config.setOption(io.netty.channel.uring.IoUringChannelOption.TCP_NOTSENT_LOWAT, SeedingStrategy.NOTSENT_LOWAT);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "TCP_NOTSENT_LOWAT not set: {0}", e.toString());
        }
    }

    /** Seeding: this peer's queued requests that would be served now (see {@link SeedingStrategy#next}). */
    int freshRequests(SeedingStrategy seeding, long now) {
        if (closed || amChoking || channel == null || uploadQueue.isEmpty()) {
            return 0;
        }
        return seeding.countFresh(id, pieces, uploadQueue, Q, now);
    }

    private void blockRead(int piece, int begin, int length, ByteBuf buf, Throwable e) {
        readsInFlight--;
        if (e != null) {
            reject(piece, begin, length);
            flush();
            return;
        }
        if (closed || amChoking) {
            buf.release();
            if (!closed) {
                reject(piece, begin, length);
            }
            return;
        }
        sendBlock(piece, begin, length, buf, session.now());
        flush();
        pumpUploads();
    }

    /** Sends a block read for the peer (the message takes over {@code buf}) and counts it. */
    private void sendBlock(int piece, int begin, int length, ByteBuf buf, long now) {
        send(new PeerMessage.Piece(piece, begin, buf));
        uploadedBytes += length;
        uploadedSinceUnchoke += length;
        up.add(length, now);
        torrent.payloadSent(length, now);
        session.counters().protocolUp.add(length + 13L);
    }

    private ByteBuf padWithZeros(ByteBuf data, int zeros) {
        return channel.alloc().compositeBuffer(2).addComponents(true, data, channel.alloc().buffer(zeros).writeZero(zeros));
    }

    /** Applies a choker decision. */
    void setChoked(boolean choke, long now) {
        if (choke == amChoking || !attached || closed) {
            return;
        }
        amChoking = choke;
        if (choke) {
            send(PeerMessage.Choke.INSTANCE);
            if (fast) {
                for (int i = 0; i + Q - 1 < uploadQueue.size(); i += Q) {
                    send(new PeerMessage.RejectRequest(uploadQueue.get(i), uploadQueue.get(i + 1), uploadQueue.get(i + 2)));
                }
            }
            uploadQueue.clear();
        } else {
            unchokedAt = now;
            uploadedSinceUnchoke = 0;
            requestsWhileChoked = 0;
            send(PeerMessage.Unchoke.INSTANCE);
            SeedingStrategy seeding = torrent.seedingStrategy();
            if (seeding != null) {
                seeding.suggest(this, pieces, suggestedToPeer, now);
            }
        }
    }

    void optimisticAt(long now) {
        lastOptimistic = now;
    }

    // ---- extensions ----------------------------------------------------------------------------------------------

    private void onExtended(PeerMessage.Extended e) {
        if (!extensions) {
            close(DisconnectReason.PROTOCOL_ERROR);
            return;
        }
        if (e.extendedId() == 0) {
            ExtensionHandshake hs;
            try {
                hs = ExtensionHandshake.decode(e.payload());
            } catch (ExtensionProtocolException ex) {
                close(DisconnectReason.PROTOCOL_ERROR);
                return;
            }
            remoteExtensions = hs;
            remoteUtMetadata = hs.messageId(io.hivemind.bt.wire.ext.UtMetadata.NAME);
            if (hs.requestQueue() != null && pipeline != null) {
                pipeline.setPeerRequestQueue(Math.max(1, hs.requestQueue()));
            }
            if (hs.yourIp() != null && address != null && session.portMapper() != null) {
                // BEP 10 yourip: one vote for our external address (BEP 42 ids, announces)
                session.portMapper().reportExternalAddress(hs.yourIp(),
                        io.hivemind.bt.client.nat.core.ExternalAddressVoter.Source.PEER, address.getAddress());
            }
            if (hs.port() != null && hs.port() > 0 && address != null) {
                remoteListen = new InetSocketAddress(address.getAddress(), hs.port());
            }
            if (torrent.metadataExchange != null) {
                torrent.metadataExchange.peerHandshake(this, hs);
            }
            torrent.pex.handshake(this, hs);
            return;
        }
        if (e.extendedId() == UT_PEX_ID) {
            torrent.pex.onMessage(this, e.payload());
            return;
        }
        if (e.extendedId() == UT_METADATA_ID && torrent.metadataExchange != null) {
            torrent.metadataExchange.onMessage(this, e.payload());
        }
    }

    int remoteUtMetadata() {
        return remoteUtMetadata;
    }

    // ---- output and closing --------------------------------------------------------------------------------------

    /** Writes without flushing; {@link #flush()} sends. Releases the message if the connection is closed. */
    void send(PeerMessage m) {
        if (closed || channel == null) {
            ReferenceCountUtil.release(m);
            return;
        }
        channel.write(m, channel.voidPromise());
    }

    void flush() {
        if (!closed && channel != null) {
            channel.flush();
        }
    }

    /** Closes the connection for {@code reason} (counted once when the channel goes inactive). */
    void close(DisconnectReason reason) {
        if (closeReason == null) {
            closeReason = reason;
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(System.Logger.Level.DEBUG, "closing " + address + " (" + client + "): " + reason,
                        new Throwable("closed here"));
            }
        }
        if (channel != null) {
            channel.close();
        }
    }

    private void protocolError(RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "peer " + address + " protocol error", e);
        close(DisconnectReason.PROTOCOL_ERROR);
    }

    /** The channel closed: give everything back to the torrent. */
    private void closed(DisconnectReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (torrent == null) {
            session.counters().disconnected(reason);
            return;
        }
        torrent.pendingAttach(this, false);
        if (attached) {
            uploadQueue.clear();
            if (torrent.metadataExchange != null) {
                torrent.metadataExchange.peerGone(this);
            }
            torrent.pex.gone(this);
            if (torrent.layerFetch != null) {
                torrent.layerFetch.peerGone(this);
            }
            torrent.detach(this, reason);
        } else {
            session.counters().disconnected(reason);
            if (!incoming) {
                if (retryPlaintext) {
                    torrent.retryInPlaintext(address);
                } else {
                    torrent.dialEnded(address);
                }
            }
        }
    }

    // ---- views ----------------------------------------------------------------------------------------------------

    void assignId(int id) {
        this.id = id;
    }

    int id() {
        return id;
    }

    /** Smart ban's serial for this connection, recorded with every block it sends. */
    void assignContributor(int serial) {
        this.contributor = serial;
    }

    int contributor() {
        return contributor;
    }

    byte[] remotePeerId() {
        return peerId;
    }

    String clientName() {
        return remoteExtensions != null && remoteExtensions.client() != null ? remoteExtensions.client() : client;
    }

    boolean incoming() {
        return incoming;
    }

    InetSocketAddress address() {
        return address;
    }

    /** Where the peer accepts connections: its address for outgoing connections, else from its BEP 10 {@code p}. */
    @Override
    public InetSocketAddress remoteListenAddress() {
        return incoming ? remoteListen : address;
    }

    boolean isSeed() {
        return haveAll || (pieces != null && pieces.isFull());
    }

    /** BEP 11 flags for advertising this peer: seed, reachable (we dialed it), prefers encryption, holepunch. */
    @Override
    public int pexFlags() {
        int f = isSeed() ? io.hivemind.bt.wire.ext.PexPeer.SEED : 0;
        if (!incoming) {
            f |= io.hivemind.bt.wire.ext.PexPeer.REACHABLE;
        }
        if (remoteExtensions != null && Boolean.TRUE.equals(remoteExtensions.encryption())) {
            f |= io.hivemind.bt.wire.ext.PexPeer.PREFERS_ENCRYPTION;
        }
        if (remoteExtensions != null && remoteExtensions.messageId("ut_holepunch") > 0) {
            f |= io.hivemind.bt.wire.ext.PexPeer.HOLEPUNCH;
        }
        return f;
    }

    boolean amChoking() {
        return amChoking;
    }

    boolean peerInterested() {
        return peerInterested;
    }

    PeerInfo info(long now) {
        double progress = pieces == null ? (haveAll ? 1 : 0) : (double) pieces.count() / Math.max(1, pieces.size());
        return new PeerInfo(address, clientName(), incoming, encrypted, progress, down.rate(now), up.rate(now),
                downloadedBytes, uploadedBytes, amChoking, amInterested, peerChoking, peerInterested,
                torrent.sourceNames(remoteListenAddress(), incoming));
    }

    @Override
    public int peerId() {
        return id;
    }

    @Override
    public Bitfield pieces() {
        return pieces;
    }

    @Override
    public boolean chokingUs() {
        return peerChoking;
    }

    @Override
    public int allowedFastCount() {
        return allowedFast.size();
    }

    @Override
    public int allowedFast(int i) {
        return allowedFast.get(i);
    }

    @Override
    public int suggestedCount() {
        return suggested.size();
    }

    @Override
    public int suggested(int i) {
        return suggested.get(i);
    }

    /**
     * The only seed among our peers (an origin) while some non-seed peer that has pieces we want unchokes us: ask
     * the seed only for what nobody else has (see PickerPeer). Once other seeds appear, nothing needs protecting.
     */
    @Override
    public boolean preferUnique() {
        if (!isSeed()) {
            return false;
        }
        boolean otherSource = false;
        for (PeerConnection q : torrent.peers) {
            if (q == this) {
                continue;
            }
            if (q.isSeed()) {
                return false; // not the only seed: nothing to protect
            }
            otherSource |= !q.peerChoking && q.amInterested;
        }
        return otherSource;
    }

    @Override
    public boolean interested() {
        return peerInterested;
    }

    @Override
    public boolean snubbed() {
        return pipeline != null && pipeline.isSnubbed();
    }

    @Override
    public long downloadRate() {
        return down.rate(session.now());
    }

    @Override
    public long uploadRate() {
        return up.rate(session.now());
    }

    @Override
    public boolean unchoked() {
        return !amChoking;
    }

    @Override
    public long unchokedAtNanos() {
        return unchokedAt;
    }

    @Override
    public long uploadedSinceUnchoke() {
        return uploadedSinceUnchoke;
    }

    @Override
    public long connectedAtNanos() {
        return connectedAt;
    }

    @Override
    public long lastOptimisticNanos() {
        return lastOptimistic;
    }

    @Override
    public String toString() {
        return "Peer[" + address + ", " + client + "]";
    }
}
