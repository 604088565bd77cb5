package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The worker's acceptance rules: BEP 44 "mutable items" (signature over salt, seq and v; seq must increase) applied
 * to BEP 46 announcements, whatever path they came by.
 */
class VersionGateTest {
    private final ChannelKey key = ChannelKey.generate("resnet");
    private final Channel channel = key.channel();
    private final VersionGate gate = new VersionGate();

    static BDict model(String version, byte fill) {
        byte[] ih = new byte[20];
        java.util.Arrays.fill(ih, fill);
        return new Announcement(DistributionKind.MODEL, InfoHashes.v1(ih), "m-" + version, null, 100, List.of(), null,
                new TreeMap<>(Map.of("version", version)), false, null).encode();
    }

    static BDict task(String id) {
        return new Announcement(DistributionKind.TASK, InfoHashes.v1(new byte[20]), id, id, 100, List.of(), null,
                new TreeMap<>(), false, null).encode();
    }

    private Verdict.Outcome offer(MutableItem item) {
        Verdict v = gate.check(item, Set.of(channel));
        if (v.accepted()) {
            gate.commit(item);
            assertNotNull(v.announcement());
        }
        return v.outcome();
    }

    @Test
    void sequenceNumbersMustIncrease() {
        MutableItem v1 = key.sign(channel.salt(), 1, model("1", (byte) 1));
        MutableItem v2 = key.sign(channel.salt(), 2, model("2", (byte) 2));
        MutableItem v5 = key.sign(channel.salt(), 5, model("5", (byte) 5));
        assertEquals(Verdict.Outcome.ACCEPTED, offer(v2));
        assertEquals(Verdict.Outcome.STALE, offer(v1), "replay of an older version");
        assertEquals(Verdict.Outcome.DUPLICATE, offer(v2));
        assertEquals(Verdict.Outcome.ACCEPTED, offer(v5));
        assertEquals(Verdict.Outcome.STALE, offer(v2));
        assertEquals(5, gate.lastSeq(channel.publicKey(), channel.salt()));
    }

    @Test
    void aSecondValueUnderTheSameNumberIsRefused() {
        assertEquals(Verdict.Outcome.ACCEPTED, offer(key.sign(channel.salt(), 3, model("3", (byte) 3))));
        assertEquals(Verdict.Outcome.STALE, offer(key.sign(channel.salt(), 3, model("3b", (byte) 4))));
    }

    @Test
    void forgeriesAreRefused() {
        MutableItem good = key.sign(channel.salt(), 7, model("7", (byte) 7));
        ChannelKey attacker = ChannelKey.generate("resnet");
        MutableItem signedByOther = attacker.sign(channel.salt(), 8, model("8", (byte) 8));
        // the attacker's signature, but claiming the channel's public key
        MutableItem claimed = new MutableItem(channel.publicKey(), channel.salt(), 8, signedByOther.value(),
                signedByOther.signature());
        // a valid signature over different content
        MutableItem swapped = new MutableItem(good.publicKey(), good.salt(), 9, good.value(), good.signature());
        MutableItem tampered = new MutableItem(good.publicKey(), good.salt(), 7, model("7", (byte) 9),
                good.signature());
        assertEquals(Verdict.Outcome.UNKNOWN_CHANNEL, offer(signedByOther));
        assertEquals(Verdict.Outcome.BAD_SIGNATURE, offer(claimed));
        assertEquals(Verdict.Outcome.BAD_SIGNATURE, offer(swapped));
        assertEquals(Verdict.Outcome.BAD_SIGNATURE, offer(tampered));
        assertEquals(-1, gate.lastSeq(channel.publicKey(), channel.salt()));
        assertEquals(Verdict.Outcome.ACCEPTED, offer(good));
    }

    @Test
    void saltsMustNameAFollowedChannelOrATaskOfItsKey() {
        assertEquals(Verdict.Outcome.UNKNOWN_CHANNEL, offer(key.sign("other".getBytes(), 1, model("1", (byte) 1))));
        assertEquals(Verdict.Outcome.ACCEPTED, offer(key.sign(Channel.taskSalt("job-1"), 1, task("job-1"))));
        // a task item must announce the task its salt names, and a model salt must carry a model
        assertEquals(Verdict.Outcome.MALFORMED, offer(key.sign(Channel.taskSalt("job-2"), 1, task("job-3"))));
        assertEquals(Verdict.Outcome.MALFORMED, offer(key.sign(channel.salt(), 1, task("job-1"))));
        assertEquals(Verdict.Outcome.MALFORMED, offer(key.sign(channel.salt(), 1, BBytes.of("not a dict"))));
        assertEquals(Verdict.Outcome.MALFORMED, offer(key.sign(channel.salt(), -1, model("1", (byte) 1))));
        assertEquals(Verdict.Outcome.UNKNOWN_CHANNEL, offer(key.sign("task:../x".getBytes(), 1, task("x"))));
    }

    @Test
    void restoredEntriesKeepRefusingReplays() {
        MutableItem v4 = key.sign(channel.salt(), 4, model("4", (byte) 4));
        offer(v4);
        VersionGate reloaded = new VersionGate();
        for (VersionGate.Entry e : gate.entries()) {
            reloaded.restore(e);
        }
        assertEquals(Verdict.Outcome.STALE,
                reloaded.check(key.sign(channel.salt(), 3, model("3", (byte) 3)), Set.of(channel)).outcome());
        assertEquals(Verdict.Outcome.DUPLICATE, reloaded.check(v4, Set.of(channel)).outcome());
    }
}
