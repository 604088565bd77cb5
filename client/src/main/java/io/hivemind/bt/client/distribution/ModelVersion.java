package io.hivemind.bt.client.distribution;

import io.hivemind.bt.dht.MutableItem;
import java.util.Objects;

/**
 * One published version of a model: the channel, the BEP 44 sequence number and the announcement, with the signed
 * item that carries them (what the DHT stores and what workers verify). Immutable.
 *
 * @param channel      the channel it was published on
 * @param seq          its sequence number (strictly increasing per channel)
 * @param announcement the announced torrent and metadata
 * @param item         the signed BEP 44 item
 */
public record ModelVersion(Channel channel, long seq, Announcement announcement, MutableItem item) {
    public ModelVersion {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(announcement, "announcement");
        Objects.requireNonNull(item, "item");
    }

    /** The {@code version} metadata entry, or null. */
    public String version() {
        return announcement.version();
    }
}
