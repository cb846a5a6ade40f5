package io.safelock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus service ({@code <module>/target/quarkus-app/quarkus-run.jar}) running as its own JVM
 * process on a given port, as a replica runs in production: the one way the multi-process tests, the demo,
 * the load benchmark and the fault suite start a replica. {@link #start(String, Path, int, Map, Duration)}
 * is the tests' short form; {@link #of(String, Path, int)} describes any other launch (environment, working
 * directory, log file, a detached session that outlives the caller). Readiness is {@code /q/health/ready}
 * answering 200; {@link #kill()} is a SIGKILL, {@link #close()} a graceful stop, {@link #pause()} a SIGSTOP,
 * all by PID.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Launch launch;
    private final Process process;
    private final Path log;
    private boolean paused;

    private ServiceProcess(Launch launch, Process process, Path log) {
        this.launch = launch;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a replica for a test and waits until it is ready; it is killed when the test JVM exits.
     *
     * @param jar        the runner jar, e.g. {@code target/quarkus-app/quarkus-run.jar}
     * @param properties system properties ({@code -Dkey=value}); {@code quarkus.http.port} is set from {@code port},
     *                   {@code admin.token} defaults to the tests' {@link io.safelock.testsupport.http.AdminToken}
     */
    public static ServiceProcess start(String name, Path jar, int port, Map<String, String> properties, Duration readyTimeout) {
        Launch launch = of(name, jar, port).systemProperties(properties)
                .systemProperty("quarkus.http.port", Integer.toString(port));
        if (!properties.containsKey("admin.token")) {
            launch.systemProperty("admin.token", io.safelock.testsupport.http.AdminToken.TOKEN);
        }
        return launch.start(readyTimeout);
    }

    /**
     * A launch to describe further. {@code port} is where the replica will listen: this only uses it to reach
     * {@code /q/health/ready}; set it in the replica by a system property or environment variable.
     */
    public static Launch of(String name, Path jar, int port) {
        return new Launch(name, jar, port);
    }

    /** True if {@code baseUrl + /q/health/ready} answers 200 now. */
    public static boolean isReady(String baseUrl) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl + "/q/health/ready").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false; // not listening yet, or too slow to answer
        }
    }

    /** How a replica is started: its command line, environment, working directory, log and session. */
    public static final class Launch {

        private final String name;
        private final Path jar;
        private final int port;
        private String address = "127.0.0.1";
        private List<String> jvmOptions = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path workDir;
        private Path log;
        private boolean detached;

        private Launch(String name, Path jar, int port) {
            this.name = name;
            this.jar = jar;
            this.port = port;
        }

        /** The address the replica is reached at (default 127.0.0.1). */
        public Launch address(String address) {
            this.address = address;
            return this;
        }

        /** JVM options instead of the default {@code -Xmx256m -XX:TieredStopAtLevel=1} (quick start-up). */
        public Launch jvmOptions(String... options) {
            this.jvmOptions = List.of(options);
            return this;
        }

        public Launch systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        public Launch systemProperties(Map<String, String> properties) {
            systemProperties.putAll(properties);
            return this;
        }

        /** Environment variables, the way a container is configured. */
        public Launch env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /** The working directory; a relative jar is taken from there. */
        public Launch workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** The file the output is appended to (default: a new temporary file). */
        public Launch log(Path file) {
            this.log = file;
            return this;
        }

        /**
         * In a session of its own with stdin from /dev/null, and not killed when this JVM exits: a replica
         * that outlives the command that started it (the demo's), stopped later by its PID.
         */
        public Launch detached() {
            this.detached = true;
            return this;
        }

        public String name() {
            return name;
        }

        public String baseUrl() {
            return "http://" + address + ":" + port;
        }

        /** {@code java <options> -Dkey=value … -jar <jar>}, with the JDK that runs this JVM. */
        public List<String> command() {
            Path resolved = workDir == null ? jar : workDir.resolve(jar);
            if (!Files.exists(resolved)) {
                throw new IllegalStateException(resolved + " not found: package the service first (./mvnw -B -DskipTests package -pl "
                        + module(resolved) + " -am)");
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-jar");
            command.add(jar.toString());
            return command;
        }

        /** Starts the replica without waiting for it ({@link ServiceProcess#awaitReady(Duration)}). */
        public ServiceProcess launch() {
            List<String> command = command();
            try {
                Path file = log != null ? log : Files.createTempFile(name + "-", ".log");
                ServiceProcess service = new ServiceProcess(this, Processes.start(name, command, env, workDir, file, detached), file);
                if (!detached) {
                    Runtime.getRuntime().addShutdownHook(new Thread(service::kill));
                }
                return service;
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a log file for " + name, e);
            }
        }

        /** Starts the replica and waits until it is ready (killed and reported with its log if it is not). */
        public ServiceProcess start(Duration readyTimeout) {
            ServiceProcess service = launch();
            service.awaitReady(readyTimeout);
            return service;
        }

        /** {@code <module>/target/quarkus-app/quarkus-run.jar} → {@code <module>}. */
        private static String module(Path jar) {
            Path module = jar.toAbsolutePath().normalize().getParent();
            for (int up = 0; up < 2 && module != null; up++) {
                module = module.getParent();
            }
            return module == null || module.getFileName() == null ? "<module>" : module.getFileName().toString();
        }
    }

    public String name() {
        return launch.name;
    }

    public int port() {
        return launch.port;
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public String baseUrl() {
        return launch.baseUrl();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return log;
    }

    /** The process's output so far (for failure messages and for tests that wait for a log line). */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * Until {@code /q/health/ready} answers 200. If the process exits first, or the time runs out (then it is
     * killed), fails with the end of its log.
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited during start-up; the end of " + log + ":\n" + Processes.tail(log, 80));
            }
            if (isReady(baseUrl())) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        kill();
        throw new IllegalStateException(name() + " not ready at " + baseUrl() + " within " + timeout.toSeconds() + " s; the end of "
                + log + ":\n" + Processes.tail(log, 80));
    }

    /** SIGKILL: the replica dies mid-request, as in a node crash. */
    public synchronized void kill() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10));
        }
        paused = false;
    }

    /** SIGSTOP: the replica keeps its sockets but runs nothing, as in a long GC pause. */
    public synchronized void pause() {
        if (process.isAlive() && !paused) {
            Processes.signal(process.pid(), "STOP");
            paused = true;
        }
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        if (process.isAlive() && paused) {
            Processes.signal(process.pid(), "CONT");
            paused = false;
        }
    }

    /** SIGTERM and wait: a graceful shutdown (SIGKILL after 20 s). */
    @Override
    public void close() {
        resume(); // a stopped JVM would not act on SIGTERM
        if (process.isAlive()) {
            process.destroy();
            if (!waitForExit(Duration.ofSeconds(20))) {
                kill();
            }
        }
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
