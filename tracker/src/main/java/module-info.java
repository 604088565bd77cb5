/** hivebt trackers: HTTP and UDP tracker client (BEP 3, 15, 23, 7, 12, 48) and tracker server. */
module io.hivemind.bt.tracker {
    requires transitive io.hivemind.bt.wire;
    requires io.netty.codec.http;
    requires io.netty.codec.compression;
    requires transitive io.netty.handler;

    exports io.hivemind.bt.tracker;
    exports io.hivemind.bt.tracker.protocol;
    exports io.hivemind.bt.tracker.server;
}
