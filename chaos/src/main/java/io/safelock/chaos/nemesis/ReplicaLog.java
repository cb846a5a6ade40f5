package io.safelock.chaos.nemesis;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a replica's own log says about the leases it holds. lock-common logs (at DEBUG, which the suite
 * switches on for {@code DistributedLocks}) "Acquired lock NAME (fencing token T, ...)" when a lease is
 * granted, and names T again when it is released, lost or expires. A process holds one lease per name at a
 * time (a lease handed straight to a waiter of the same process ends where the next "Acquired lock NAME"
 * begins). Reads only what was written since {@link #mark}, and keeps only the lines that name a token.
 */
final class ReplicaLog {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    /** lock-common's event line for a grant ("event=acquired lock=NAME kind=lock token=T …"), or its older DEBUG line. */
    private static final Pattern ACQUIRED = Pattern.compile("(?:event=acquired lock=(\\S+) kind=lock token=|Acquired lock (\\S+) \\(fencing token )(\\d+)");

    /** One line naming a fencing token: when it was written (epoch ms, -1 if unreadable) and its message. */
    record Entry(long atMs, String message) {
    }

    private final Path file;
    private long position;
    private final StringBuilder partial = new StringBuilder();
    private final List<Entry> entries = new ArrayList<>();

    ReplicaLog(Path file) {
        this.file = file;
        mark();
    }

    /** Later reads start here. */
    synchronized void mark() {
        try {
            position = Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            position = 0;
        }
        partial.setLength(0);
        entries.clear();
    }

    /** The fencing token of a lease on {@code lock} that the log shows granted and not yet ended, if any. */
    synchronized Optional<Long> heldToken(String lock) {
        read();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Matcher acquired = ACQUIRED.matcher(entries.get(i).message());
            if (acquired.find() && lockOf(acquired).equals(lock)) {
                long token = Long.parseLong(acquired.group(3));
                return end(lock, token, i).isPresent() ? Optional.empty() : Optional.of(token);
            }
        }
        return Optional.empty();
    }

    /** The line that ended the lease {@code token} on {@code lock}, if the log has one yet. */
    synchronized Optional<Entry> endOf(String lock, long token) {
        read();
        for (int i = 0; i < entries.size(); i++) {
            Matcher acquired = ACQUIRED.matcher(entries.get(i).message());
            if (acquired.find() && lockOf(acquired).equals(lock) && Long.parseLong(acquired.group(3)) == token) {
                return end(lock, token, i);
            }
        }
        return Optional.empty();
    }

    private Optional<Entry> end(String lock, long token, int grantedAt) {
        // released, lost or expired: the event lines name the token as token=T, the others as "fencing token T"
        Pattern names = Pattern.compile("fencing token " + token + "\\D|event=(?:released|lost) .*token=" + token + "\\b");
        for (int i = grantedAt + 1; i < entries.size(); i++) {
            String message = entries.get(i).message();
            Matcher acquired = ACQUIRED.matcher(message);
            if (names.matcher(message).find() || acquired.find() && lockOf(acquired).equals(lock)) {
                return Optional.of(entries.get(i));
            }
        }
        return Optional.empty();
    }

    private void read() {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= position) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - position, 16L * 1024 * 1024)];
            in.seek(position);
            in.readFully(bytes);
            position += bytes.length;
            partial.append(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return;
        }
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, newline);
            partial.delete(0, newline + 1);
            if (line.contains("fencing token ") || line.contains("event=")) {
                entries.add(new Entry(timestamp(line), line.substring(Math.max(0, line.indexOf(") ") + 2))));
            }
        }
    }

    private static String lockOf(Matcher acquired) {
        return acquired.group(1) != null ? acquired.group(1) : acquired.group(2);
    }

    private static long timestamp(String line) {
        try {
            return LocalDateTime.parse(line.substring(0, 23), TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
            return -1;
        }
    }
}
