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
    struct word_trial trial; /* first: workers.h reaches it through the context pointer */
    size_t objects, size;
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
    for (size_t i = 0; i < c->trial.options.updates; i++, stamp += golden) {
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
    for (size_t task = w; task < c->trial.options.tasks; task += c->trial.options.workers) {
        report_word(c->trial.words, task, run_task(c, task), results);
    }
}

int main(int argc, char **argv)
{
    const char *usage = "usage: alloc [-m threads|processes] [-w WORKERS] [-t TASKS] [-n UPDATES] [-o OBJECTS] [-s SIZE] [-r REPETITIONS]";
    struct churn c = {.trial.options = default_trial_options(1000000), .objects = 1000, .size = 64};
    const struct trial_options *o = &c.trial.options;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage_error("%s", usage);
        const char *option = argv[i], *value = argv[++i];
        if (strcmp(option, "-o") == 0)
            c.objects = (size_t)parse_count(value, "OBJECTS", 1, 1 << 24);
        else if (strcmp(option, "-s") == 0)
            c.size = (size_t)parse_count(value, "SIZE", 8, 1 << 20);
        else if (!parse_trial_option(&c.trial.options, option, value))
            usage_error("unknown option '%s'; %s", option, usage);
    }
    c.trial.words = calloc(o->tasks, sizeof *c.trial.words);
    double *per_update_ns = malloc(o->repetitions * sizeof(double));
    if (!c.trial.words || !per_update_ns)
        die("malloc");

    uint64_t checksum = time_word_trial(&c.trial, worker, NULL, NULL, per_update_ns);

    printf("mode=%s\nworkers=%zu\ntasks=%zu\nupdates=%zu\nobjects=%zu\nobject_size=%zu\nrepetitions=%zu\nchecksum=%llu\n",
           worker_kind_name(o->kind), o->workers, o->tasks, o->updates, c.objects, c.size, o->repetitions,
           (unsigned long long)checksum);
    print_spread("per_update", "ns", per_update_ns, o->repetitions);
    fprintf(stderr, "alloc: %zu x %zu B, %zu %s: %.2f ns per replacement (median of %zu)\n", c.objects, c.size,
            o->workers, worker_kind_name(o->kind), median_sorted(per_update_ns, o->repetitions), o->repetitions);
    return 0;
}
