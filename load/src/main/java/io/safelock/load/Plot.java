package io.safelock.load;

import java.util.List;
import java.util.Locale;

/** An SVG of the scenario table: capacity (purchases/s) and latency at 70 % of it (p50, p99), one row per scenario. */
final class Plot {

    record Bar(String label, double throughput, double p50, double p99) {
    }

    private Plot() {
    }

    static String svg(String title, List<Bar> bars) {
        int rowHeight = 22;
        int labelWidth = 330;
        int chartWidth = 360;
        int gap = 40;
        int top = 60;
        int width = labelWidth + 2 * chartWidth + gap + 40;
        int height = top + bars.size() * rowHeight + 40;
        double maxThroughput = bars.stream().mapToDouble(Bar::throughput).filter(Double::isFinite).max().orElse(1);
        double maxLatency = bars.stream().mapToDouble(Bar::p99).filter(Double::isFinite).max().orElse(1);
        // latencies span 1 ms to seconds: a log scale keeps the fast rows readable
        double logMax = Math.log10(Math.max(10, maxLatency * 1.2));
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", escape(title)));
        int x1 = labelWidth;
        int x2 = labelWidth + chartWidth + gap;
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"45\">capacity, answers/s (max %.0f)</text>%n", x1, maxThroughput));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"45\">latency at 70%% of capacity, ms, log scale: p50 dark, p99 light</text>%n", x2));
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = top + i * rowHeight;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", labelWidth - 8, y + 14, escape(bar.label())));
            double w = Double.isFinite(bar.throughput()) ? chartWidth * bar.throughput() / maxThroughput : 0;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#4477aa\"/>%n", x1, y + 2, w));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.0f</text>%n", x1 + w + 4, y + 14, bar.throughput()));
            if (Double.isFinite(bar.p99())) {
                double w99 = chartWidth * Math.max(0, Math.log10(Math.max(1, bar.p99()))) / logMax;
                double w50 = chartWidth * Math.max(0, Math.log10(Math.max(1, bar.p50()))) / logMax;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#ee9966\"/>%n", x2, y + 2, Math.max(1, w99)));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#aa3311\"/>%n", x2, y + 2, Math.max(1, w50)));
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.1f / %.1f</text>%n", x2 + Math.max(w99, 1) + 4, y + 14, bar.p50(), bar.p99()));
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
