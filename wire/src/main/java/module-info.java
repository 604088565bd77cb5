/**
 * hivebt wire formats: bencode, metainfo, magnet links, torrent creation, peer-wire messages and codecs.
 * Knows nothing about sockets, files of a session, or sessions.
 */
module io.hivemind.bt.wire {
    requires transitive io.netty.buffer;
    requires transitive io.netty.codec;
    requires transitive io.netty.transport;
    requires transitive io.netty.common;

    exports io.hivemind.bt.wire.bencode;
    exports io.hivemind.bt.wire.bits;
    exports io.hivemind.bt.wire.metainfo;
    exports io.hivemind.bt.wire.peer;
    exports io.hivemind.bt.wire.ext;
    exports io.hivemind.bt.wire.magnet;
    exports io.hivemind.bt.wire.create;
    exports io.hivemind.bt.wire.mse;
    exports io.hivemind.bt.wire.internal to io.hivemind.bt.storage, io.hivemind.bt.tracker, io.hivemind.bt.dht,
            io.hivemind.bt.client;
}
