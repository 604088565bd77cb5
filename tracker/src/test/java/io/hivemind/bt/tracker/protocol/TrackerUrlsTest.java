package io.hivemind.bt.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** URL rules: only http, https and udp (HARDENING.md); scrape URL derivation (BEP 48 "Scrape Request"). */
class TrackerUrlsTest {

    @Test
    void acceptsOnlyHttpHttpsAndUdp() {
        assertEquals(TrackerUrls.Scheme.HTTP, TrackerUrls.scheme(TrackerUrls.parse("http://t.example/announce")));
        assertEquals(TrackerUrls.Scheme.HTTPS, TrackerUrls.scheme(TrackerUrls.parse(" HTTPS://t.example/a ")));
        assertEquals(TrackerUrls.Scheme.UDP, TrackerUrls.scheme(TrackerUrls.parse("udp://t.example:6969/announce")));
        for (String bad : new String[] {"ftp://t.example/announce", "file:///etc/passwd", "ws://t.example/",
                "udp://t.example/announce", "http:///announce", "javascript:alert(1)", "", "   ", "http://t:0/",
                "not a url", "http://[::1/"}) {
            TrackerException e = assertThrows(TrackerException.class, () -> TrackerUrls.parse(bad), bad);
            assertEquals(Reason.UNSUPPORTED_URL, e.reason(), bad);
        }
        assertThrows(TrackerException.class, () -> TrackerUrls.parse("http://t.example/" + "a".repeat(3000)));
    }

    @Test
    void defaultPortsAndHosts() {
        assertEquals(80, TrackerUrls.port(URI.create("http://t.example/announce")));
        assertEquals(443, TrackerUrls.port(URI.create("https://t.example/announce")));
        assertEquals(8000, TrackerUrls.port(URI.create("http://t.example:8000/announce")));
        assertEquals("::1", TrackerUrls.host(URI.create("udp://[::1]:6969")));
    }

    @Test
    void bep48ScrapeUrls() {
        String[][] ok = {
                {"http://example.com/announce", "http://example.com/scrape"},
                {"http://example.com/x/announce", "http://example.com/x/scrape"},
                {"http://example.com/announce.php", "http://example.com/scrape.php"},
                {"http://example.com/a/announce?x2%0644", "http://example.com/a/scrape?x2%0644"},
                {"https://example.com:8443/announce?passkey=abc", "https://example.com:8443/scrape?passkey=abc"},
                {"udp://example.com:6969/announce", "udp://example.com:6969/announce"},
        };
        for (String[] c : ok) {
            assertEquals(URI.create(c[1]), TrackerUrls.scrapeUrl(URI.create(c[0])), c[0]);
        }
        for (String bad : new String[] {"http://example.com/a", "http://example.com/announce/",
                "http://example.com/a%064nnounce", "http://example.com/x%064announce", "http://example.com"}) {
            TrackerException e = assertThrows(TrackerException.class, () -> TrackerUrls.scrapeUrl(URI.create(bad)));
            assertEquals(Reason.SCRAPE_UNSUPPORTED, e.reason(), bad);
        }
    }
}
