/*
 * tally.c — the C reference of tvp's `tally` workload: updates of one table of counters, shared
 * by threads or by processes, under one lock, with atomics, racing, or with a table per worker.
 *
 *   tally [-s SYNC] [-l LAYOUT] [-m threads|processes] [-w WORKERS] [-t TASKS] [-n UPDATES] [-b BINS] [-r REPETITIONS]
 *         defaults: mutex, packed, threads, 2 workers, 4 tasks, 2500000 updates per task, 256 bins, 7
 *
 * SYNC, as tvp's `sync`:
 *   mutex     one pthread mutex around each `count[bin] += 1` (processes: PTHREAD_PROCESS_SHARED in
 *             the shared mapping)
 *   pi-mutex  the same with PTHREAD_PRIO_INHERIT: glibc then locks through FUTEX_LOCK_PI, the futex
 *             operation Swift's Synchronization.Mutex uses on Linux (tvp's `swift-mutex`)
 *   atomic    one relaxed atomic_fetch_add per update (processes: on the shared mapping)
 *   racy      a relaxed atomic load, then a relaxed store of the value + 1: no undefined behaviour,
 *             but two workers that read the same count lose one of their updates
 *   local     each worker counts into a table of its own, merged at the end: threads' tables sit in
 *             one allocation (LAYOUT packed: interleaved, count[bin][worker], so neighbours' counts
 *             share cache lines; padded: each worker's table on its own 128-byte-aligned lines);
 *             a child process counts into a private table and writes it to the parent's pipe after
 *             each task (message passing), as tvp's worker sends its table back with each result
 *
 * The memory is laid out as tvp's TallyTable lays out its mapping: a 64-byte header line, the
 * mutex on the next line (byte 64), the shared counts from byte 128, the per-worker tables after
 * them. The mapping (MAP_SHARED | MAP_ANONYMOUS, inherited by forked children; tvp maps a POSIX
 * shared-memory object) is made and zeroed before the clock. The clock covers starting the
 * workers (pthread_create or fork), every update, sending the tables back, joining or reaping,
 * and merging: tvp's trial covers the same.
 *
 * Task k makes UPDATES updates with keys from xorshift64 seeded by task_seed(k) (workers.h), each
 * key reduced to a bin by the high word of key × BINS: the same keys as tvp's, so the final table
 * is the same. Every repetition checks it against a serial count made before the clock; `racy`
 * reports how many updates it lost instead.
 *
 * Output on stdout, one key=value per line:
 *   sync=  layout=  mode=  workers=  tasks=  updates=  bins=  repetitions=
 *   per_update_median_ns=  per_update_min_ns=  per_update_max_ns=   (elapsed ÷ (TASKS × UPDATES))
 *   lost_median=  lost_min=  lost_max=                               (updates missing from the table)
 */
#include "workers.h"

#include <stdatomic.h>
#include <sys/mman.h>

enum sync { sync_mutex, sync_pi_mutex, sync_atomic, sync_racy, sync_local };
static const char *const sync_names[] = {"mutex", "pi-mutex", "atomic", "racy", "local"};

/* tvp's TallyKeys salt: the keys of the tally workload. */
static const uint64_t tally_salt = 0x7A11000000000000u;

struct tally {
    struct trial_options options; /* -m -w -t -n -r */
    enum sync sync;
    int padded;
    size_t bins;
    size_t table_stride;          /* words from one worker's table to the next (padded), or 1 (packed) */
    size_t bin_stride;            /* words from one bin to the next in a worker's table */
    unsigned char *mapping;
    size_t mapping_bytes;
    pthread_mutex_t *mutex;       /* byte 64 of the mapping */
    uint64_t *shared;             /* byte 128: the one table of mutex, atomic and racy */
    uint64_t *locals;             /* the threads' own tables (local) */
    uint64_t *merged;             /* the final table */
};

static size_t round_up(size_t value, size_t unit) { return (value + unit - 1) / unit * unit; }

/* Makes task `task`'s updates: into the shared table, or into `own` (bins `stride` words apart). */
static void count_task(struct tally *t, size_t task, uint64_t *own, size_t stride)
{
    uint64_t state = task_seed(tally_salt, task);
    uint64_t *shared = t->shared;
    pthread_mutex_t *mutex = t->mutex;
    size_t bins = t->bins;
    switch (t->sync) {
    case sync_mutex:
    case sync_pi_mutex:
        for (size_t i = 0; i < t->options.updates; i++) {
            uint64_t bin = reduce_key(next_key(&state), bins);
            /* Cannot fail on an initialised default mutex; tvp does not check either. */
            pthread_mutex_lock(mutex);
            shared[bin] += 1;
            pthread_mutex_unlock(mutex);
        }
        break;
    case sync_atomic:
        for (size_t i = 0; i < t->options.updates; i++) {
            uint64_t bin = reduce_key(next_key(&state), bins);
            atomic_fetch_add_explicit((_Atomic uint64_t *)&shared[bin], 1, memory_order_relaxed);
        }
        break;
    case sync_racy:
        for (size_t i = 0; i < t->options.updates; i++) {
            _Atomic uint64_t *count = (_Atomic uint64_t *)&shared[reduce_key(next_key(&state), bins)];
            atomic_store_explicit(count, atomic_load_explicit(count, memory_order_relaxed) + 1, memory_order_relaxed);
        }
        break;
    case sync_local:
        for (size_t i = 0; i < t->options.updates; i++)
            own[reduce_key(next_key(&state), bins) * stride] += 1;
        break;
    }
}

static void worker(size_t w, void *context, int results)
{
    struct tally *t = context;
    uint64_t *own = NULL;
    if (t->sync == sync_local && results < 0)
        own = t->locals + w * t->table_stride;
    else if (t->sync == sync_local && (own = malloc(t->bins * sizeof *own)) == NULL)
        die("malloc");
    for (size_t task = w; task < t->options.tasks; task += t->options.workers) {
        if (results >= 0 && own != NULL)
            memset(own, 0, t->bins * sizeof *own);
        /* A thread's table lies among the others; a process's own table is plain. */
        count_task(t, task, own, results < 0 ? t->bin_stride : 1);
        if (results >= 0 && own != NULL)
            write_all(results, own, t->bins * sizeof *own, "write (table)");
    }
    if (results >= 0)
        free(own);
}

static void collect(size_t w, void *context, int results)
{
    (void)w;
    struct tally *t = context;
    if (t->sync != sync_local)
        return;
    uint64_t table[t->bins];
    while (read_exactly(results, table, sizeof table, "read (table)") == 0) {
        for (size_t b = 0; b < t->bins; b++)
            t->merged[b] += table[b];
    }
}

/* Maps and zeroes the memory of one repetition (before its clock), with the mutex initialised. */
static void prepare(struct tally *t)
{
    size_t table_bytes = round_up(t->bins * sizeof(uint64_t), 128);
    t->bin_stride = t->padded ? 1 : t->options.workers;
    t->table_stride = t->padded ? table_bytes / sizeof(uint64_t) : 1;
    size_t locals_bytes = t->padded ? t->options.workers * table_bytes : round_up(t->options.workers * t->bins * sizeof(uint64_t), 128);
    t->mapping_bytes = 128 + table_bytes + locals_bytes;
    t->mapping = mmap(NULL, t->mapping_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (t->mapping == MAP_FAILED)
        die("mmap");
    t->mutex = (pthread_mutex_t *)(t->mapping + 64);
    t->shared = (uint64_t *)(t->mapping + 128);
    t->locals = (uint64_t *)(t->mapping + 128 + table_bytes);
    pthread_mutexattr_t attributes;
    int error = pthread_mutexattr_init(&attributes);
    if (error == 0 && t->options.kind == worker_processes)
        error = pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    if (error == 0 && t->sync == sync_pi_mutex)
        error = pthread_mutexattr_setprotocol(&attributes, PTHREAD_PRIO_INHERIT);
    if (error == 0)
        error = pthread_mutex_init(t->mutex, &attributes);
    if (error != 0)
        die_code("pthread_mutex_init", error);
    pthread_mutexattr_destroy(&attributes);
    memset(t->merged, 0, t->bins * sizeof *t->merged);
}

/* Merges what the workers left in memory into the final table (inside the clock). */
static void merge(struct tally *t)
{
    for (size_t b = 0; b < t->bins; b++) {
        uint64_t sum = t->merged[b];
        if (t->sync != sync_local)
            sum += t->shared[b];
        else if (t->options.kind == worker_threads)
            for (size_t w = 0; w < t->options.workers; w++)
                sum += t->locals[w * t->table_stride + b * t->bin_stride];
        t->merged[b] = sum;
    }
}

int main(int argc, char **argv)
{
    const char *usage = "usage: tally [-s mutex|pi-mutex|atomic|racy|local] [-l packed|padded] [-m threads|processes] "
                        "[-w WORKERS] [-t TASKS] [-n UPDATES] [-b BINS] [-r REPETITIONS]";
    struct tally t = {.options = default_trial_options(2500000), .sync = sync_mutex, .bins = 256};
    const struct trial_options *o = &t.options;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage_error("%s", usage);
        const char *option = argv[i], *value = argv[++i];
        if (strcmp(option, "-s") == 0) {
            size_t s = 0;
            while (s < sizeof sync_names / sizeof sync_names[0] && strcmp(value, sync_names[s]) != 0)
                s++;
            if (s == sizeof sync_names / sizeof sync_names[0])
                usage_error("SYNC must be mutex, pi-mutex, atomic, racy or local, got '%s'", value);
            t.sync = (enum sync)s;
        } else if (strcmp(option, "-l") == 0) {
            if (strcmp(value, "packed") != 0 && strcmp(value, "padded") != 0)
                usage_error("LAYOUT must be packed or padded, got '%s'", value);
            t.padded = strcmp(value, "padded") == 0;
        } else if (strcmp(option, "-b") == 0) {
            t.bins = (size_t)parse_count(value, "BINS", 1, 1 << 20);
        } else if (!parse_trial_option(&t.options, option, value)) {
            usage_error("unknown option '%s'; %s", option, usage);
        }
    }

    uint64_t *expected = calloc(t.bins, sizeof *expected);
    t.merged = calloc(t.bins, sizeof *t.merged);
    double *per_update_ns = malloc(o->repetitions * sizeof(double));
    double *lost = malloc(o->repetitions * sizeof(double));
    if (!expected || !t.merged || !per_update_ns || !lost)
        die("malloc");
    for (size_t task = 0; task < o->tasks; task++) {
        uint64_t state = task_seed(tally_salt, task);
        for (size_t i = 0; i < o->updates; i++)
            expected[reduce_key(next_key(&state), t.bins)] += 1;
    }
    uint64_t total = (uint64_t)o->tasks * o->updates;

    for (size_t repetition = 0; repetition < o->repetitions; repetition++) {
        prepare(&t);
        uint64_t start = now_ns();
        run_workers(o->kind, o->workers, worker, collect, &t);
        merge(&t);
        uint64_t end = now_ns();
        uint64_t sum = 0;
        for (size_t b = 0; b < t.bins; b++) {
            sum += t.merged[b];
            if (t.sync != sync_racy && t.merged[b] != expected[b])
                fail("bin %zu holds %llu, expected %llu: the %s table is wrong", b,
                     (unsigned long long)t.merged[b], (unsigned long long)expected[b], sync_names[t.sync]);
        }
        if (sum > total)
            fail("the table holds %llu updates, more than the %llu made", (unsigned long long)sum, (unsigned long long)total);
        pthread_mutex_destroy(t.mutex);
        munmap(t.mapping, t.mapping_bytes);
        per_update_ns[repetition] = (double)(end - start) / (double)total;
        lost[repetition] = (double)(total - sum);
    }

    printf("sync=%s\nlayout=%s\nmode=%s\nworkers=%zu\ntasks=%zu\nupdates=%zu\nbins=%zu\nrepetitions=%zu\n",
           sync_names[t.sync], t.padded ? "padded" : "packed", worker_kind_name(o->kind),
           o->workers, o->tasks, o->updates, t.bins, o->repetitions);
    print_spread("per_update", "ns", per_update_ns, o->repetitions);
    double lost_median = (sort_doubles(lost, o->repetitions), median_sorted(lost, o->repetitions));
    printf("lost_median=%.0f\nlost_min=%.0f\nlost_max=%.0f\n", lost_median, lost[0], lost[o->repetitions - 1]);
    fprintf(stderr, "tally: %s %s, %zu %s: %.2f ns per update (median of %zu), %.0f of %llu updates lost\n",
            sync_names[t.sync], t.padded ? "padded" : "packed", o->workers,
            worker_kind_name(o->kind), median_sorted(per_update_ns, o->repetitions), o->repetitions,
            lost_median, (unsigned long long)total);
    return 0;
}
