package io.hivemind.bt.wire.magnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.magnet.MagnetException.Reason;
import io.hivemind.bt.wire.magnet.MagnetLink.IndexRange;
import io.hivemind.bt.wire.magnet.MagnetLink.PeerAddress;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import io.hivemind.bt.wire.testing.Libtorrent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Magnet links: BEP 9 (btih, dn, tr, x.pe), BEP 52 (btmh), BEP 19 (ws), BEP 53 (so). */
class MagnetLinkTest {
    private static final String HEX = "0123456789abcdef0123456789abcdef01234567";
    private static final String V2 = "ab".repeat(32);

    @TempDir
    Path tmp;

    @Test
    void parsesEveryParameter() {
        MagnetLink m = MagnetLink.parse("magnet:?xt=urn:btih:" + HEX + "&xt=urn:btmh:1220" + V2
                + "&dn=Hello+World%21&tr=udp%3A%2F%2Ft%3A1%2Fa&tr=http://x/&tr=http://x/&ws=http://ws/"
                + "&x.pe=1.2.3.4:5&x.pe=[::1]:7&x.pe=host.example:6881&so=0,2-4&x.custom=v");
        assertEquals(HEX, m.infoHashes().v1Hex());
        assertEquals(V2, m.infoHashes().v2Hex());
        assertEquals("Hello World!", m.displayName());
        assertEquals(List.of("udp://t:1/a", "http://x/"), m.trackers());
        assertEquals(List.of("http://ws/"), m.webSeeds());
        assertEquals(List.of(new PeerAddress("1.2.3.4", 5), new PeerAddress("::1", 7),
                new PeerAddress("host.example", 6881)), m.peers());
        assertEquals("[::1]:7", m.peers().get(1).toString());
        assertEquals(List.of(new IndexRange(0, 0), new IndexRange(2, 4)), m.selectOnly());
        assertTrue(m.isSelected(3));
        assertFalse(m.isSelected(1));
        assertEquals(List.of(new MagnetLink.Parameter("x.custom", "v")), m.extra());
    }

    /** BEP 9: "clients should also support the 32 character base32 encoded info-hash". */
    @Test
    void base32AndHexAreTheSameHash() {
        byte[] h = Hex.decode(HEX);
        String b32 = base32(h);
        assertEquals(MagnetLink.parse("magnet:?xt=urn:btih:" + HEX).infoHashes(),
                MagnetLink.parse("magnet:?xt=urn:btih:" + b32.toLowerCase()).infoHashes());
    }

    private static String base32(byte[] b) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte x : b) {
            buffer = (buffer << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        return sb.toString();
    }

    @Test
    void numberedKeysAndOtherUrnsAreAccepted() {
        MagnetLink m = MagnetLink.parse("MAGNET:?xt.1=urn:btih:" + HEX + "&xt.2=urn:sha1:ABC&tr.1=http://a/&dn=x#frag");
        assertEquals(HEX, m.infoHashes().v1Hex());
        assertEquals(List.of("http://a/"), m.trackers());
        assertEquals(List.of(new MagnetLink.Parameter("xt.2", "urn:sha1:ABC")), m.extra());
        assertEquals("x", m.displayName());
    }

    @Test
    void displayNamesAreOnlyHints() {
        assertEquals(".._.._etc_passwd", MagnetLink.parse("magnet:?xt=urn:btih:" + HEX + "&dn=../../etc/passwd")
                .safeDisplayName());
        assertNull(MagnetLink.parse("magnet:?xt=urn:btih:" + HEX + "&dn=..").safeDisplayName());
        assertNull(MagnetLink.parse("magnet:?xt=urn:btih:" + HEX).safeDisplayName());
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "http://example.com/|NOT_A_MAGNET",
            "magnet:xt=urn:btih:" + HEX + "|NOT_A_MAGNET",
            "magnet:?dn=nothing|MISSING_INFO_HASH",
            "magnet:?xt=urn:btih:0123|BAD_INFO_HASH",
            "magnet:?xt=urn:btih:" + "zz" + "23456789abcdef0123456789abcdef01234567|BAD_INFO_HASH",
            "magnet:?xt=urn:btih:11111111111111111111111111111111|BAD_INFO_HASH",
            "magnet:?xt=urn:btmh:1220abcd|BAD_INFO_HASH",
            "magnet:?xt=urn:btmh:xyz|BAD_INFO_HASH",
            "magnet:?xt=urn:btmh:1114" + "ab" + "|UNSUPPORTED_HASH",
            "magnet:?xt=urn:btih:" + HEX + "&xt=urn:btih:" + "1123456789abcdef0123456789abcdef01234567"
                    + "|CONFLICTING_INFO_HASH",
            "magnet:?xt=urn:btih:" + HEX + "&dn=%zz|BAD_ESCAPE",
            "magnet:?xt=urn:btih:" + HEX + "&dn=%4|BAD_ESCAPE",
            "magnet:?xt=urn:btih:" + HEX + "&x.pe=1.2.3.4|BAD_PEER",
            "magnet:?xt=urn:btih:" + HEX + "&x.pe=1.2.3.4:0|BAD_PEER",
            "magnet:?xt=urn:btih:" + HEX + "&x.pe=1.2.3.4:70000|BAD_PEER",
            "magnet:?xt=urn:btih:" + HEX + "&x.pe=[1.2.3.4]:5|BAD_PEER",
            "magnet:?xt=urn:btih:" + HEX + "&x.pe=a/b:5|BAD_PEER",
            "magnet:?xt=urn:btih:" + HEX + "&so=1,,2|BAD_SELECT",
            "magnet:?xt=urn:btih:" + HEX + "&so=5-2|BAD_SELECT",
            "magnet:?xt=urn:btih:" + HEX + "&so=a|BAD_SELECT",
            "magnet:?xt=urn:btih:" + HEX + "&so=99999999999|BAD_SELECT",
            "magnet:?xt=urn:btih:" + HEX + "&tr=http://a%0D%0AHost:evil/|BAD_PARAMETER",
            "magnet:?xt=urn:btih:" + HEX + "&=x|BAD_PARAMETER",
    })
    void badLinksHaveClearReasons(String link, Reason reason) {
        MagnetException e = assertThrows(MagnetException.class, () -> MagnetLink.parse(link));
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void overlongLinksAreRejected() {
        String link = "magnet:?xt=urn:btih:" + HEX + "&dn=" + "a".repeat(MagnetLink.MAX_LENGTH);
        assertEquals(Reason.TOO_LONG, assertThrows(MagnetException.class, () -> MagnetLink.parse(link)).reason());
        assertEquals(Reason.NOT_A_MAGNET, assertThrows(MagnetException.class, () -> MagnetLink.parse(null)).reason());
    }

    /** parse(format(link)) == link for arbitrary names, trackers and selections. */
    @Test
    void formatRoundTrips() {
        Gen<String> text = SourceDSL.strings().allPossible().ofLengthBetween(0, 40);
        Gen<String> url = SourceDSL.strings().betweenCodePoints(0x21, 0x7e).ofLengthBetween(1, 30).map(s -> "http://" + s);
        qt().withExamples(2_000).forAll(text, url, SourceDSL.integers().between(0, 1000), SourceDSL.longs().all())
                .checkAssert((dn, tr, so, seed) -> {
                    byte[] v1 = new byte[20];
                    byte[] v2 = new byte[32];
                    Random r = new Random(seed);
                    r.nextBytes(v1);
                    r.nextBytes(v2);
                    InfoHashes hashes = switch ((int) Math.floorMod(seed, 3L)) {
                        case 0 -> InfoHashes.v1(v1);
                        case 1 -> InfoHashes.v2(v2);
                        default -> InfoHashes.of(v1, v2);
                    };
                    String name = dn.codePoints().anyMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF) ? "x" : dn;
                    MagnetLink link = new MagnetLink(hashes, name, List.of(tr.strip().isEmpty() ? "http://x" : tr.strip()),
                            List.of("http://ws/" + so), List.of(new PeerAddress("10.0.0.1", 1 + so)),
                            List.of(new IndexRange(so, so + 3)), List.of(new MagnetLink.Parameter("k&=", name)));
                    assertEquals(link, MagnetLink.parse(link.format()));
                });
    }

    private Metainfo torrent(TorrentVersion kind) throws IOException {
        Path dir = tmp.resolve("data-" + kind);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("a.bin"), new byte[50_000]);
        Files.write(dir.resolve("sub/b.bin"), new byte[7]);
        Metainfo m = TorrentCreator.builder(dir).version(kind).pieceLength(16 * 1024)
                .addTier("udp://tracker.example:6969/announce", "http://tracker.example/announce")
                .addWebSeed("http://seed.example/").build().create();
        Files.write(tmp.resolve(kind + ".torrent"), m.encode());
        return m;
    }

    /** libtorrent reads our links as we meant them (BEP 9, BEP 52 btmh, BEP 53 so). */
    @Test
    void libtorrentParsesOurLinks() throws IOException {
        for (TorrentVersion kind : TorrentVersion.values()) {
            Metainfo m = torrent(kind);
            MagnetLink ours = MagnetLink.of(m);
            MagnetLink link = new MagnetLink(ours.infoHashes(), "name with spaces & symbols/\u00e9", ours.trackers(),
                    ours.webSeeds(), List.of(new PeerAddress("10.1.2.3", 6881), new PeerAddress("::1", 6882)),
                    List.of(new IndexRange(1, 1)), List.of());
            Libtorrent.MagnetView lt = Libtorrent.parseMagnet(link.format());
            assertEquals(kind.hasV1() ? m.infoHashes().v1Hex() : null, lt.v1(), kind.toString());
            assertEquals(kind.hasV2() ? m.infoHashes().v2Hex() : null, lt.v2(), kind.toString());
            assertEquals(link.displayName(), lt.name());
            assertEquals(link.trackers(), lt.trackers());
            assertEquals(link.webSeeds(), lt.webSeeds());
            assertEquals(List.of("10.1.2.3:6881", "::1:6882"), lt.peers());
            assertEquals(List.of(0L, 4L), lt.filePriorities(), "so=1 selects only file 1");
        }
    }

    /** We read libtorrent's links ({@code make_magnet_uri}) with the same hashes, name and trackers. */
    @Test
    void weParseLibtorrentsLinks() throws IOException {
        for (TorrentVersion kind : TorrentVersion.values()) {
            Metainfo m = torrent(kind);
            MagnetLink link = MagnetLink.parse(Libtorrent.makeMagnet(tmp.resolve(kind + ".torrent")));
            assertEquals(m.infoHashes(), link.infoHashes(), kind.toString());
            assertEquals(m.info().name(), link.displayName());
            assertEquals(MagnetLink.of(m).trackers().size(), link.trackers().size());
            assertTrue(link.trackers().containsAll(MagnetLink.of(m).trackers()));
        }
    }
}
