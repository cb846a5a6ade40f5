package io.safelock.demo.monitoring;

import io.safelock.demo.DemoPlan;
import io.safelock.demo.local.Monitoring;
import io.safelock.demo.monitoring.PrometheusApi.Series;
import io.safelock.demo.story.Story;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the key panels of the chart's dashboard ({@code helm/safelock/dashboards/lock-contention.json}) from
 * the demo's real Prometheus over the last story, as one PNG: each panel's queries as the dashboard has
 * them (all namespaces, pods and groups, {@code $__rate_interval} as Grafana computes it), the totals
 * only (not the per-pod targets), the story's steps as vertical markers. Run by
 * {@code scripts/monitoring-picture.sh}; needs JFreeChart on the class path, unlike the rest of the demo.
 */
public final class PanelPicture {

    /** The panels drawn, by their dashboard title, in reading order (two columns). */
    static final List<String> PANELS = List.of(
            "Wait time p50 / p99", "Contention ratio",
            "Purchases by strategy and outcome", "Quorum failures",
            "Leases lost and late releases", "Stale writes refused by the fence");

    private static final int PANEL_WIDTH = 820;
    private static final int PANEL_HEIGHT = 380;
    private static final int HEADER = 56;
    private static final int STEP_LINE = 19;
    /** Dark enough to read on white, distinct enough for a panel's handful of series. */
    private static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C), new Color(0xFF7F0E),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x17BECF), new Color(0x7F7F7F)};
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    private PanelPicture() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path out = root.resolve("docs/monitoring-story.png");
        Duration scrape = Duration.ofSeconds(2);
        String prometheusUrl = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                case "--prometheus" -> prometheusUrl = args[++i];
                case "--scrape-interval" -> scrape = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --out FILE.png, --prometheus URL, --scrape-interval SECONDS)");
            }
        }
        DemoPlan plan = DemoPlan.standard(root, 1, 1, DemoPlan.FIRST_INVENTORY_PORT, DemoPlan.FIRST_COUNTER_PORT, DemoPlan.FIRST_LOCK_PORT);
        if (prometheusUrl == null) {
            prometheusUrl = Monitoring.runningPrometheus(plan).orElseThrow(() -> new IllegalStateException(
                    "no Prometheus recorded in .demo/: start the demo with scripts/demo.sh up --monitoring (or pass --prometheus URL)"));
        }
        Path stepsFile = Story.stepsFile(plan);
        if (!Files.exists(stepsFile)) {
            throw new IllegalStateException(stepsFile + " is missing: run scripts/demo.sh story first");
        }
        List<Step> steps = Files.readAllLines(stepsFile).stream().filter(l -> !l.isBlank()).map(Step::parse).toList();
        double start = steps.get(0).epochMs() / 1000.0 - 10;
        double end = steps.get(steps.size() - 1).epochMs() / 1000.0 + 5;
        PrometheusApi prometheus = new PrometheusApi(prometheusUrl);
        Duration step = Duration.ofSeconds(Math.max(1, Math.round((end - start) / 400)));
        String rateInterval = Math.max(step.toSeconds() + scrape.toSeconds(), 4 * scrape.toSeconds()) + "s";

        Map<String, Object> dashboard = map(new com.fasterxml.jackson.databind.ObjectMapper().readValue(Files.readString(Monitoring.dashboardFile(root)), Object.class));
        List<JFreeChart> charts = new ArrayList<>();
        for (String title : PANELS) {
            Map<String, Object> panel = panel(dashboard, title);
            charts.add(chart(panel, prometheus, start, end, step, rateInterval, steps));
        }
        write(charts, steps, prometheusUrl, start, end, out);
        System.out.println("[picture] " + charts.size() + " panels, " + Instant.ofEpochSecond((long) start) + " to "
                + Instant.ofEpochSecond((long) end) + ", step " + step.toSeconds() + " s, from " + prometheusUrl + " -> " + out);
    }

    record Step(long epochMs, String id, String what) {
        static Step parse(String line) {
            String[] parts = line.split("\t", 3);
            return new Step(Long.parseLong(parts[0]), parts[1], parts.length > 2 ? parts[2] : "");
        }
    }

    private static Map<String, Object> panel(Map<String, Object> dashboard, String title) {
        for (Object p : list(dashboard.get("panels"))) {
            Map<String, Object> panel = map(p);
            if (title.equals(panel.get("title"))) {
                return panel;
            }
        }
        throw new IllegalStateException("the dashboard has no panel '" + title + "'");
    }

    private static JFreeChart chart(Map<String, Object> panel, PrometheusApi prometheus, double start, double end, Duration step,
                                    String rateInterval, List<Step> steps) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Object t : list(panel.get("targets"))) {
            Map<String, Object> target = map(t);
            String expr = target.get("expr").toString();
            if (expr.contains("by (pod")) {
                continue; // the per-pod breakdowns: the picture shows totals
            }
            String substituted = expr.replace("$namespace", ".*").replace("$pod", ".*").replace("$group", ".*")
                    .replace("$__rate_interval", rateInterval);
            for (Series series : prometheus.queryRange(substituted, start, end, step)) {
                if (!(series.max() > 0)) {
                    continue; // a series that stayed at zero (or had no samples) only crowds the legend
                }
                XYSeries line = new XYSeries(legend(String.valueOf(target.getOrDefault("legendFormat", "")), series.labels()), false);
                for (double[] sample : series.samples()) {
                    if (Double.isFinite(sample[1])) {
                        line.add(sample[0] * 1000, sample[1]);
                    }
                }
                data.addSeries(line);
            }
        }
        String unit = unit(panel);
        JFreeChart chart = ChartFactory.createTimeSeriesChart(panel.get("title").toString(), null, unit, data, true, false, false);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(new Color(0xF7F7F7));
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        for (int i = 0; i < data.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
            plot.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        DateAxis time = (DateAxis) plot.getDomainAxis();
        time.setRange(start * 1000, end * 1000);
        time.setDateFormatOverride(new SimpleDateFormat("HH:mm:ss"));
        int shown = 0;
        for (Step s : steps) {
            if (s.id().equals("end")) {
                continue;
            }
            ValueMarker marker = new ValueMarker(s.epochMs(), new Color(0x8888AA), new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1f, new float[] {3f, 3f}, 0f));
            marker.setLabel(s.id());
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            marker.setLabelPaint(new Color(0x444466));
            marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            marker.setLabelOffset(new RectangleInsets(2 + 11 * (shown++ % 3), 2, 2, 2)); // steps close together stay legible
            plot.addDomainMarker(marker);
        }
        return chart;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object json) {
        return (Map<String, Object>) json;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object json) {
        return (List<Object>) json;
    }

    /** Grafana's legend format with the series' labels filled in. */
    static String legend(String format, Map<String, String> labels) {
        if (format.isBlank()) {
            return labels.toString();
        }
        Matcher m = LEGEND_LABEL.matcher(format);
        StringBuilder text = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(text, Matcher.quoteReplacement(labels.getOrDefault(m.group(1), "")));
        }
        m.appendTail(text);
        return text.toString();
    }

    private static String unit(Map<String, Object> panel) {
        Object fieldConfig = panel.get("fieldConfig");
        Object unit = fieldConfig == null ? null : map(map(fieldConfig).get("defaults")).get("unit");
        return switch (unit == null ? "" : unit.toString()) {
            case "s" -> "seconds";
            case "percentunit" -> "ratio";
            case "reqps", "ops" -> "per second";
            default -> "";
        };
    }

    private static void write(List<JFreeChart> charts, List<Step> steps, String prometheusUrl, double start, double end, Path out)
            throws IOException {
        int rows = (charts.size() + 1) / 2;
        int stepRows = (steps.size() + 1) / 2;
        int width = 2 * PANEL_WIDTH;
        int height = HEADER + rows * PANEL_HEIGHT + 16 + stepRows * STEP_LINE + 12;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString("Lock contention dashboard during scripts/demo.sh story", 16, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(String.format("Queried from the demo's Prometheus (%s) over %.0f s; dashed lines: the story's steps (listed below)",
                prometheusUrl, end - start), 16, 48);
        for (int i = 0; i < charts.size(); i++) {
            charts.get(i).draw(g, new Rectangle2D.Double((i % 2) * PANEL_WIDTH, HEADER + (i / 2) * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT));
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int top = HEADER + rows * PANEL_HEIGHT + 16;
        long first = steps.get(0).epochMs();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            String what = s.what().length() > 112 ? s.what().substring(0, 111) + "…" : s.what();
            g.drawString(String.format("%5.0f s  %-3s %s", (s.epochMs() - first) / 1000.0, s.id(), what),
                    16 + (i / stepRows) * PANEL_WIDTH, top + (i % stepRows) * STEP_LINE + 12);
        }
        g.dispose();
        Files.createDirectories(out.getParent());
        ImageIO.write(image, "png", out.toFile());
    }
}
