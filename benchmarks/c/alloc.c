/*
 * alloc.c — the C reference of tvp's `alloc` workload: small blocks from malloc, freed and
 * allocated again, on threads that share the process's allocator or in processes that each have
 * their own.
 *
 *   alloc [-m threads|processes] [-w WORKERS] [-t TASKS] [-n UPDATES] [-o OBJECTS] [-s SIZE] [-r REPETITIONS]
 *         defaults: threads, 2 workers, 4 tasks, 1000000 replacements per task, 1000 objects, 64 bytes, 7
 *
 * Task k, as tvp's AllocationChurn: allocate OBJECTS blocks of SIZE bytes, each stamped with a
 * word at its start; then UPDATES times pick a block with the task's key stream (xorshift64
 * seeded by task_seed(k), reduced by the high word of key × OBJECTS), read its stamp into the
 * checksum, free it and allocate a fresh stamped block in its place; finally free them all
 * (reading their stamps too). The checksum makes every block part of the result, so no
 * malloc/free pair can be optimised away; every repetition must give the same one. A child
 * process writes its tasks' checksums to the parent's pipe.
 *
 * Output on stdout, one key=value per line:
 *   mode=  workers=  tasks=  updates=  objects=  object_size=  repetitions=  checksum=
 *   per_update_median_ns=  per_update_min_ns=  per_update_max_ns=   (elapsed ÷ (TASKS × UPDATES))
 */
#include "workers.h"

/* tvp's AllocWorkload key salt. */
static const uint64_t alloc_salt = 0xA110C00000000000u;
static const uint64_t golden = 0x9E3779B97F4A7C15u;

struct churn {
    size_t workers, tasks, updates, objects, size;
    uint64_t *checksums; /* one per task */
};

static uint64_t *allocate(size_t size, uint64_t stamp)
{
    uint64_t *block = malloc(size);
    if (block != NULL)
        *block = stamp;
    return block;
}

static uint64_t release(uint64_t *block)
{
    if (block == NULL)
        return 0;
    uint64_t word = *block;
    free(block);
    return word;
}

static uint64_t run_task(const struct churn *c, size_t task)
{
    uint64_t **slots = malloc(c->objects * sizeof *slots);
    if (slots == NULL)
        die("malloc");
    uint64_t stamp = golden, checksum = 0, state = task_seed(alloc_salt, task);
    for (size_t i = 0; i < c->objects; i++, stamp += golden)
        slots[i] = allocate(c->size, stamp);
    for (size_t i = 0; i < c->updates; i++, stamp += golden) {
        size_t index = (size_t)reduce_key(next_key(&state), c->objects);
        checksum += release(slots[index]);
        slots[index] = allocate(c->size, stamp);
    }
    for (size_t i = 0; i < c->objects; i++)
        checksum += release(slots[i]);
    free(slots);
    return checksum;
}

static void worker(size_t w, void *context, int results)
{
    struct churn *c = context;
    for (size_t task = w; task < c->tasks; task += c->workers) {
        report_word(c->checksums, task, run_task(c, task), results);
    }
}

static void collect(size_t w, void *context, int results)
{
    struct churn *c = context;
    collect_words(w, c->tasks, c->workers, c->checksums, results);
}

int main(int argc, char **argv)
{
    const char *usage = "usage: alloc [-m threads|processes] [-w WORKERS] [-t TASKS] [-n UPDATES] [-o OBJECTS] [-s SIZE] [-r REPETITIONS]";
    struct churn c = {.workers = 2, .tasks = 4, .updates = 1000000, .objects = 1000, .size = 64};
    enum worker_kind kind = worker_threads;
    size_t repetitions = 7;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage_error("%s", usage);
        const char *option = argv[i], *value = argv[++i];
        if (strcmp(option, "-m") == 0)
            kind = parse_worker_kind(value);
        else if (strcmp(option, "-w") == 0)
            c.workers = (size_t)parse_count(value, "WORKERS", 1, 256);
        else if (strcmp(option, "-t") == 0)
            c.tasks = (size_t)parse_count(value, "TASKS", 1, 1 << 20);
        else if (strcmp(option, "-n") == 0)
            c.updates = (size_t)parse_count(value, "UPDATES", 1, 1LL << 40);
        else if (strcmp(option, "-o") == 0)
            c.objects = (size_t)parse_count(value, "OBJECTS", 1, 1 << 24);
        else if (strcmp(option, "-s") == 0)
            c.size = (size_t)parse_count(value, "SIZE", 8, 1 << 20);
        else if (strcmp(option, "-r") == 0)
            repetitions = (size_t)parse_count(value, "REPETITIONS", 1, 100000);
        else
            usage_error("unknown option '%s'; %s", option, usage);
    }
    c.checksums = calloc(c.tasks, sizeof *c.checksums);
    double *per_update_ns = malloc(repetitions * sizeof(double));
    if (!c.checksums || !per_update_ns)
        die("malloc");

    uint64_t first = 0;
    for (size_t repetition = 0; repetition < repetitions; repetition++) {
        memset(c.checksums, 0, c.tasks * sizeof *c.checksums);
        uint64_t start = now_ns();
        run_workers(kind, c.workers, worker, collect, &c);
        uint64_t end = now_ns();
        check_results(c.checksums, c.tasks, repetition, &first);
        per_update_ns[repetition] = (double)(end - start) / (double)(c.tasks * c.updates);
    }

    printf("mode=%s\nworkers=%zu\ntasks=%zu\nupdates=%zu\nobjects=%zu\nobject_size=%zu\nrepetitions=%zu\nchecksum=%llu\n",
           kind == worker_threads ? "threads" : "processes", c.workers, c.tasks, c.updates, c.objects, c.size,
           repetitions, (unsigned long long)first);
    print_spread("per_update", "ns", per_update_ns, repetitions);
    fprintf(stderr, "alloc: %zu x %zu B, %zu %s: %.2f ns per replacement (median of %zu)\n", c.objects, c.size,
            c.workers, kind == worker_threads ? "threads" : "processes", median_sorted(per_update_ns, repetitions),
            repetitions);
    return 0;
}
