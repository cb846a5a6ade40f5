package io.safelock.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/chaos.sh [--quick] [--seed N] [--schedule NAME,...] [--markdown FILE] [--no-namespaces]}:
 * exit 0 when every guaranteed invariant held in every schedule, 1 otherwise.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    public static void main(String[] args) throws IOException {
        boolean quick = false;
        boolean namespaces = true;
        long seed = 42;
        List<String> only = new ArrayList<>();
        Path markdown = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-namespaces" -> namespaces = false;
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                case "--schedule" -> only.addAll(Arrays.asList(value(args, ++i).split(",")));
                case "--markdown" -> markdown = Path.of(value(args, ++i));
                default -> {
                    System.err.println("usage: scripts/chaos.sh [--quick] [--seed N] [--schedule NAME,...] [--markdown FILE] [--no-namespaces]");
                    System.exit(2);
                }
            }
        }
        Path root = Path.of(System.getProperty("safelock.root", ".")).toAbsolutePath().normalize();
        Path runDir = Files.createTempDirectory("safelock-chaos-");
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss");
        Chaos.Run run = Chaos.run(new Chaos.Options(root, runDir, quick, seed, only, namespaces),
                line -> System.out.println("[chaos " + LocalTime.now().format(time) + "] " + line));
        System.out.println();
        System.out.println(run.markdown());
        if (markdown != null) {
            Files.writeString(markdown, run.markdown());
            System.out.println("written to " + markdown);
        }
        System.out.println("logs and data: " + runDir);
        System.exit(run.acceptable() ? 0 : 1);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("missing value for " + args[i - 1]);
            System.exit(2);
        }
        return args[i];
    }
}
