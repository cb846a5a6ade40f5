/*
 * clockshift: moves a process's wall clock (CLOCK_REALTIME) by an offset another process can change while
 * it runs, the way an NTP step or an operator's `date -s` would. The chaos suite preloads it into a
 * redis-server lock node (LD_PRELOAD) so that keys expire by a clock that jumps.
 *
 * Why not libfaketime: Debian's libfaketime 0.9.10 initialises itself with dlsym(), whose error path
 * (an absent symbol such as __ftime) calls malloc(); in the jemalloc-linked redis-server that malloc
 * initialises jemalloc, which calls clock_gettime() -> libfaketime again -> "Unexpected recursive calls to
 * clock_gettime()" and redis-server never starts (libfaketime issues #130, #327, #478). This library
 * never allocates and never looks a missing symbol up: the real clock is the vDSO's when resolved, the raw
 * system call before that.
 *
 * SAFELOCK_CLOCK_OFFSET_FILE names a file whose first 8 bytes are the offset in microseconds (signed,
 * little-endian); the file is mapped shared, so a write by the suite takes effect at the next clock read.
 * Only the wall clock moves: CLOCK_MONOTONIC and CLOCK_BOOTTIME are untouched, as with a real clock step.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static clock_gettime_fn real_clock_gettime;
static volatile const int64_t *offset_us;

__attribute__((constructor)) static void clockshift_init(void) {
    const char *path = getenv("SAFELOCK_CLOCK_OFFSET_FILE");
    if (path != NULL) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            void *map = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
            close(fd);
            if (map != MAP_FAILED) {
                offset_us = map;
            }
        }
    }
    real_clock_gettime = (clock_gettime_fn) dlsym(RTLD_NEXT, "clock_gettime");
}

static int raw_clock_gettime(clockid_t clock, struct timespec *ts) {
    clock_gettime_fn real = real_clock_gettime;
    return real != NULL ? real(clock, ts) : (int) syscall(SYS_clock_gettime, clock, ts);
}

static int64_t offset(void) {
    return offset_us == NULL ? 0 : __atomic_load_n(offset_us, __ATOMIC_RELAXED);
}

static int shifted(clockid_t clock) {
    return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
    int result = raw_clock_gettime(clock, ts);
    if (result == 0 && shifted(clock)) {
        int64_t us = offset(); /* read once: a concurrent jump must not mix two offsets */
        int64_t ns = (int64_t) ts->tv_nsec + (us % 1000000) * 1000;
        ts->tv_sec += us / 1000000 + ns / 1000000000;
        ns %= 1000000000;
        if (ns < 0) {
            ns += 1000000000;
            ts->tv_sec -= 1;
        }
        ts->tv_nsec = ns;
    }
    return result;
}

#pragma GCC diagnostic ignored "-Wnonnull-compare"
int gettimeofday(struct timeval *tv, void *tz) {
    (void) tz;
    if (tv == NULL) { /* declared nonnull, but the kernel accepts it: so do we */
        return 0;
    }
    struct timespec ts;
    int result = clock_gettime(CLOCK_REALTIME, &ts);
    if (result == 0) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return result;
}

time_t time(time_t *out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out != NULL) {
        *out = ts.tv_sec;
    }
    return ts.tv_sec;
}
