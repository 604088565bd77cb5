/** hivebt storage: piece stores, verify-before-write hashing, resume data. */
module io.hivemind.bt.storage {
    requires transitive io.hivemind.bt.wire;
    requires com.github.benmanes.caffeine;

    exports io.hivemind.bt.storage;
    exports io.hivemind.bt.storage.resume;
}
