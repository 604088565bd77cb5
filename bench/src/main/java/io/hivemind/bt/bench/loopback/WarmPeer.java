package io.hivemind.bt.bench.loopback;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A long-running hivebt session for the loopback benchmark's warm mode ({@code bench/loopback/warm.sh}): the same
 * settings as {@code hivebt seed} / {@code hivebt download} (one network thread, no DHT or LSD, no encryption), but
 * one process serves several transfers, so a transfer after the first runs on compiled code, as in a daemon or a
 * worker that lives for hours. The script reads this process's CPU time from {@code /proc} around each transfer.
 *
 * <p>Commands, one per line on stdin, each answered by one line on stdout:
 * <pre>
 *   seed TORRENT DIR               -> ready
 *   download TORRENT DIR HOST:PORT -> done NANOS   (from the add to the last piece verified and written)
 *   remove                         -> removed      (every torrent leaves the session; the data stays)
 *   quit
 * </pre>
 * Usage: {@code java -cp benchmarks.jar io.hivemind.bt.bench.loopback.WarmPeer HOST:PORT}
 */
public final class WarmPeer {
    private WarmPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: WarmPeer HOST:PORT");
            System.exit(2);
        }
        HostPort.parse(args[0]);
        SessionSettings settings = SessionSettings.builder().listen(args[0]).dht(false).lsd(false)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).networkThreads(1).build();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        List<TorrentHandle> handles = new ArrayList<>();
        try (Session session = Session.builder().settings(settings).build();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.trim().split("\\s+");
                switch (w[0]) {
                    case "seed" -> {
                        handles.add(session.add(AddTorrent.file(Path.of(w[1])).saveTo(Path.of(w[2])).seedMode(true)).get());
                        out.println("ready");
                    }
                    case "download" -> {
                        long t0 = System.nanoTime();
                        TorrentHandle h = session.add(AddTorrent.file(Path.of(w[1])).saveTo(Path.of(w[2]))
                                .peers(List.of(HostPort.parse(w[3]).toSocketAddress()))).get();
                        handles.add(h);
                        h.completion().get();
                        out.println("done " + (System.nanoTime() - t0));
                    }
                    case "remove" -> {
                        for (TorrentHandle h : handles) {
                            session.remove(h.infoHashes(), false).get();
                        }
                        handles.clear();
                        out.println("removed");
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> out.println("error unknown command " + w[0]);
                }
            }
        }
    }
}
