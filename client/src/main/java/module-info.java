/** hivebt client: session, torrents, picker, choker, limits, CLI, daemon, distribution API. */
module io.hivemind.bt.client {
    requires transitive io.hivemind.bt.wire;
    requires transitive io.hivemind.bt.storage;
    requires transitive io.hivemind.bt.tracker;
    requires transitive io.hivemind.bt.dht;
    requires info.picocli;
    requires java.net.http;
    requires java.logging;
    requires java.xml;
    requires io.netty.codec.http;
    requires io.netty.handler;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.classes.io_uring;

    exports io.hivemind.bt.client;
    exports io.hivemind.bt.client.ipfilter;
    exports io.hivemind.bt.client.nat;
    exports io.hivemind.bt.client.distribution;
    opens io.hivemind.bt.client.cli to info.picocli;
}
