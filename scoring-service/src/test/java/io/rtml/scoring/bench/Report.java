package io.rtml.scoring.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats the benchmark rows as the Markdown tables of docs/benchmarks.md. */
final class Report {

    final List<ScoringBenchmark.Row> rows = new ArrayList<>();

    String markdown(String date, int ioThreads) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run on ").append(date).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ").append(System.getProperty("java.version")).append(", io threads ")
                .append(ioThreads).append(".\n\n");
        sb.append("### Latency, one keep-alive connection (µs)\n\n");
        sb.append("| model | batch | ORT run p50 (floor) | ORT run + Java API read p50 | bare Netty p50 / p99 | OIP infer p50 / p99 | records p50 / p99 | OIP p50 − (ORT run + bare) | goal ≤ 50 |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ScoringBenchmark.Row r : rows) {
            double overhead = r.oip.p50() - (r.floor.runOnly().p50() + r.bare.p50());
            boolean goal = !r.model.equals("pytorch_cnn_mnist") && r.batch == 1;
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %+.1f | %s |%n",
                    r.model, r.batch, r.floor.runOnly().p50(), r.floor.runAndRead().p50(), r.bare.p50(), r.bare.p99(),
                    r.oip.p50(), r.oip.p99(), r.records.p50(), r.records.p99(), overhead,
                    goal ? (overhead <= 50 ? "met" : "**missed**") : "(not a goal)"));
        }
        sb.append("\n### Throughput (requests/s, median of the rounds; errors in brackets when any)\n\n");
        sb.append("Bare, OIP and records measured in alternating rounds; a ratio is the median of the per-round ratios, ")
                .append("with the lowest and highest round in brackets. The goal applies where the model is cheap against the ")
                .append("transport (iris and xgboost, batch 1), as the latency goal does.\n\n");
        sb.append("| model | batch | conns | bare Netty | OIP infer | records | OIP / bare | records / bare | goal (64 conns) ≥ 0.5 |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ScoringBenchmark.Row r : rows) {
            int[] conns = {8, 64};
            boolean goal = !r.model.equals("pytorch_cnn_mnist") && r.batch == 1;
            for (int i = 0; i < 2; i++) {
                Load.Rounds b = r.bareRps.get(i);
                double[] oip = r.oipRps.get(i).ratiosTo(b);
                double[] rec = r.recordsRps.get(i).ratiosTo(b);
                double worst = Math.min(Load.median(oip), Load.median(rec));
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s |%n",
                        r.model, r.batch, conns[i], rps(b), rps(r.oipRps.get(i)), rps(r.recordsRps.get(i)), ratio(oip),
                        ratio(rec), conns[i] != 64 ? "" : !goal ? "(not a goal)" : worst >= 0.5 ? "met" : "**missed**"));
            }
        }
        sb.append("\nThroughput tool: ").append(rows.isEmpty() ? "-" : rows.get(0).bareRps.get(0).tool())
                .append(", ").append(rows.isEmpty() ? 0 : rows.get(0).bareRps.get(0).rounds().size()).append(" rounds\n");
        return sb.toString();
    }

    private static String ratio(double[] ratios) {
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", Load.median(ratios), sorted[0], sorted[sorted.length - 1]);
    }

    private static String rps(Load.Rounds t) {
        return String.format(Locale.ROOT, "%.0f", t.medianRps()) + (t.errors() > 0 ? " [" + t.errors() + "]" : "");
    }
}
