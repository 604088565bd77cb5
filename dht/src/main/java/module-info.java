/** hivebt DHT: KRPC, routing table, lookups, BEP 44 store (BEP 5, 32, 42, 43, 44, 51). */
module io.hivemind.bt.dht {
    requires transitive io.hivemind.bt.wire;
    requires org.bouncycastle.provider;

    exports io.hivemind.bt.dht;
    exports io.hivemind.bt.dht.krpc;
    exports io.hivemind.bt.dht.core;
    exports io.hivemind.bt.dht.sim;
}
