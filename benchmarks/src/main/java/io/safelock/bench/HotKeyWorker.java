package io.safelock.bench;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One of the JVMs of the two-JVM hot-key run. Args: --worker library nodes dataUri counterKey threads
 * goFile outFile. Creates outFile.ready once connected, waits for goFile ("fromEpochMs untilEpochMs"),
 * runs, then writes "name measured total" and one wait (ns) a line to outFile.
 */
final class HotKeyWorker {

    private HotKeyWorker() {
    }

    static void awaitFile(Path file, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!Files.exists(file) || fileIsEmpty(file)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("timed out waiting for " + file);
            }
            Thread.sleep(10);
        }
    }

    private static boolean fileIsEmpty(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    static void main(String[] args) throws Exception {
        String library = args[1];
        List<String> nodes = List.of(args[2].split(","));
        Vertx vertx = Vertx.vertx();
        RedisAPI data = RedisAPI.api(Redis.createClient(vertx, args[3]));
        Workloads.Run run;
        String name;
        Path out = Path.of(args[7]);
        try (Contender contender = library.equals("safelock") ? new SafelockContender(nodes) : new RedissonContender(nodes)) {
            name = contender.name();
            data.ping(List.of()).await().indefinitely();
            Files.writeString(Path.of(out + ".ready"), "ready");
            Path go = Path.of(args[6]);
            awaitFile(go, 120_000);
            String[] window = Files.readString(go).trim().split(" ");
            run = Workloads.hotKey(contender, data, args[4], Integer.parseInt(args[5]), Long.parseLong(window[0]), Long.parseLong(window[1]));
        }
        List<String> lines = new ArrayList<>();
        lines.add(name.replace(' ', '_') + " " + run.measuredOps() + " " + run.totalOps());
        for (long wait : run.latencies().raw()) {
            lines.add(Long.toString(wait));
        }
        Files.write(out, lines);
        data.close();
        vertx.closeAndAwait();
        System.exit(0);
    }
}
