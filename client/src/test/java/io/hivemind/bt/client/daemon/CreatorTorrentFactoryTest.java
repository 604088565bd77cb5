package io.hivemind.bt.client.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CreatorTorrentFactory}: every member of a {@link TorrentFactory.Spec} reaches the torrent (name, BEP 12
 * tiers, BEP 27 private flag, comment, piece size, BEP 52 kind), and the info-hashes are the wire module's creator's.
 */
class CreatorTorrentFactoryTest {

    private static Path set(Path tmp) throws Exception {
        Path dir = tmp.resolve("set");
        RealDaemonFixture.writeRandom(dir.resolve("a.bin"), 100_000, 1);
        RealDaemonFixture.writeRandom(dir.resolve("sub/b.bin"), 5_000, 2);
        return dir;
    }

    @ParameterizedTest
    @EnumSource(TorrentVersion.class)
    void specReachesTheTorrent(TorrentVersion kind, @TempDir Path tmp) throws Exception {
        Path dir = set(tmp);
        byte[] bytes = new CreatorTorrentFactory(1).create(new TorrentFactory.Spec(dir, "renamed",
                List.of(List.of("http://a.example/announce", "udp://b.example:6969"), List.of("http://c.example/announce")),
                "a comment", true, 32 * 1024, kind));
        Metainfo m = Metainfo.parse(bytes);
        assertEquals("renamed", m.info().name());
        assertEquals(kind, m.info().version());
        assertEquals(32 * 1024, m.info().pieceLength());
        assertTrue(m.info().isPrivate());
        assertEquals("a comment", m.comment());
        assertEquals(List.of(List.of("http://a.example/announce", "udp://b.example:6969"),
                List.of("http://c.example/announce")), m.announceTiers());
        Metainfo direct = TorrentCreator.builder(dir).name("renamed").version(kind).pieceLength(32 * 1024)
                .privateFlag(true).threads(1).build().create();
        assertEquals(direct.infoHashes(), m.infoHashes(), "the same info-hashes as the creator itself");
    }

    @Test
    void automaticPieceSizeBlankCommentAndBadInput(@TempDir Path tmp) throws Exception {
        Path dir = set(tmp);
        Metainfo m = Metainfo.parse(CreatorTorrentFactory.defaults().create(new TorrentFactory.Spec(dir, "set",
                List.of(), "  ", false, 0, TorrentVersion.V1)));
        assertEquals(TorrentCreator.autoPieceLength(105_000), m.info().pieceLength());
        assertNull(m.comment(), "a blank comment is left out");
        assertTrue(m.announceTiers().isEmpty());
        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> new CreatorTorrentFactory(1).create(
                new TorrentFactory.Spec(empty, "empty.bin", List.of(), null, false, 0, TorrentVersion.V1)),
                "no data: the REST API answers 400");
        assertThrows(IllegalArgumentException.class, () -> new CreatorTorrentFactory(0));
    }
}
