package io.rtml.scoring.bench;

import io.rtml.scoring.NodeConfig;
import io.rtml.scoring.ScoringNode;
import java.nio.file.Files;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Latency of a trivial endpoint of the node versus the bare server: the router's own cost. */
public final class RouteProbe {
    public static void main(String[] args) throws Exception {
        try (ScoringNode node = ScoringNode.start(NodeConfig.load(Map.of("rtml.scoring.port", "0",
                        "rtml.scoring.bind-address", "127.0.0.1",
                        "rtml.scoring.data-dir", Files.createTempDirectory("probe").toString())::get));
                BareServer bare = new BareServer(2);
                RawHttpClient n = new RawHttpClient(node.port(), "GET", "/v2/health/live", new byte[0]);
                RawHttpClient b = new RawHttpClient(bare.port(), "GET", "/v2/health/live", new byte[0])) {
            Histogram hn = new Histogram(3);
            Histogram hb = new Histogram(3);
            long warm = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warm) {
                n.call();
                b.call();
            }
            for (int s = 0; s < 20; s++) {
                for (int i = 0; i < 500; i++) {
                    long t0 = System.nanoTime();
                    n.call();
                    hn.recordValue(System.nanoTime() - t0);
                }
                for (int i = 0; i < 500; i++) {
                    long t0 = System.nanoTime();
                    b.call();
                    hb.recordValue(System.nanoTime() - t0);
                }
            }
            System.out.printf("node /v2/health/live p50 %.1f us, bare p50 %.1f us%n",
                    hn.getValueAtPercentile(50) / 1000.0, hb.getValueAtPercentile(50) / 1000.0);
        }
    }
}
