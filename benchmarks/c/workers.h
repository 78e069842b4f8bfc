/*
 * workers.h — runs one body on W workers, as threads of this process or as forked child
 * processes, for the references of tvp's sharing workloads (tally.c, alloc.c, refs.c).
 *
 * Worker w runs tasks w, w + W, w + 2W, ... of the trial (tvp hands tasks out from a queue; with
 * a task count divisible by W both give each worker the same share). A child process reports to
 * the parent through a pipe: `body` gets its write end (-1 for threads) and the parent's
 * `collect` reads each child's pipe to its end, in worker order, then reaps the child. Child
 * processes are forked inside the caller's clock, as tvp spawns its workers inside its own.
 */
#ifndef TVP_WORKERS_H
#define TVP_WORKERS_H

#include "bench.h"

#include <pthread.h>

/* Where the workers run. */
enum worker_kind { worker_threads, worker_processes };

/* What one worker runs: its number, the shared context, and the pipe to write results to (-1 when
 * the worker is a thread, which writes its results into memory the parent reads). */
typedef void (*worker_body)(size_t worker, void *context, int results);

/* Reads one child's results from `results` (until end of file) into the context. */
typedef void (*worker_collect)(size_t worker, void *context, int results);

struct thread_start {
    worker_body body;
    void *context;
    size_t worker;
};

static inline void *thread_main(void *argument)
{
    struct thread_start *start = argument;
    start->body(start->worker, start->context, -1);
    return NULL;
}

/* Parses `threads` or `processes`. */
static inline enum worker_kind parse_worker_kind(const char *text)
{
    if (strcmp(text, "threads") == 0)
        return worker_threads;
    if (strcmp(text, "processes") == 0)
        return worker_processes;
    usage_error("MODE must be `threads` or `processes`, got '%s'", text);
}

/* `threads` or `processes`, as the command line spells it. */
static inline const char *worker_kind_name(enum worker_kind kind)
{
    return kind == worker_threads ? "threads" : "processes";
}

/* What every sharing reference's command line sets: -m MODE, -w WORKERS, -t TASKS, -n UPDATES
 * (per task) and -r REPETITIONS. */
struct trial_options {
    enum worker_kind kind;
    size_t workers, tasks, updates, repetitions;
};

/* The defaults every sharing reference starts from: threads, 2 workers, 4 tasks of `updates`
 * updates each, 7 repetitions. */
static inline struct trial_options default_trial_options(size_t updates)
{
    return (struct trial_options){.kind = worker_threads, .workers = 2, .tasks = 4, .updates = updates, .repetitions = 7};
}

/* Parses `option value` into `trial` when it is one of trial_options' options; returns 0 (and
 * leaves `trial` alone) when it is not. */
static inline int parse_trial_option(struct trial_options *trial, const char *option, const char *value)
{
    if (strcmp(option, "-m") == 0)
        trial->kind = parse_worker_kind(value);
    else if (strcmp(option, "-w") == 0)
        trial->workers = (size_t)parse_count(value, "WORKERS", 1, 256);
    else if (strcmp(option, "-t") == 0)
        trial->tasks = (size_t)parse_count(value, "TASKS", 1, 1 << 20);
    else if (strcmp(option, "-n") == 0)
        trial->updates = (size_t)parse_count(value, "UPDATES", 1, 1LL << 40);
    else if (strcmp(option, "-r") == 0)
        trial->repetitions = (size_t)parse_count(value, "REPETITIONS", 1, 100000);
    else
        return 0;
    return 1;
}

/* Runs `body` on `workers` workers of `kind` and waits for all of them; children's pipes are read
 * with `collect`. A child that fails makes the program fail. */
static inline void run_workers(enum worker_kind kind, size_t workers, worker_body body, worker_collect collect,
                               void *context)
{
    if (kind == worker_threads) {
        pthread_t threads[workers];
        struct thread_start starts[workers];
        for (size_t w = 0; w < workers; w++) {
            starts[w] = (struct thread_start){.body = body, .context = context, .worker = w};
            int error = pthread_create(&threads[w], NULL, thread_main, &starts[w]);
            if (error != 0)
                die_code("pthread_create", error);
        }
        for (size_t w = 0; w < workers; w++) {
            int error = pthread_join(threads[w], NULL);
            if (error != 0)
                die_code("pthread_join", error);
        }
        return;
    }
    pid_t children[workers];
    int pipes[workers];
    fflush(NULL);
    for (size_t w = 0; w < workers; w++) {
        int ends[2];
        make_pipe(ends, 0);
        pid_t child = fork();
        if (child < 0)
            die("fork");
        if (child == 0) {
            close(ends[0]);
            body(w, context, ends[1]);
            close(ends[1]);
            _exit(0);
        }
        close(ends[1]);
        children[w] = child;
        pipes[w] = ends[0];
    }
    for (size_t w = 0; w < workers; w++) {
        collect(w, context, pipes[w]);
        close(pipes[w]);
        char who[48]; /* "worker process " and up to 20 digits */
        snprintf(who, sizeof who, "worker process %zu", w);
        reap(children[w], who);
    }
}

/* The seed of task `index`'s key stream: splitmix64 of the index, never 0 (xorshift's fixed point).
 * tvp's TallyKeys uses the same function, so both make the same keys. */
static inline uint64_t task_seed(uint64_t salt, uint64_t index)
{
    uint64_t z = salt ^ index;
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return z | 1;
}

/* The next key of a stream: Marsaglia's xorshift64 (13, 7, 17). */
static inline uint64_t next_key(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* `key` reduced to 0..<count without a division: the high word of key × count (Lemire). */
static inline uint64_t reduce_key(uint64_t key, uint64_t count)
{
    return (uint64_t)(((unsigned __int128)key * count) >> 64);
}

/* Hands task `task`'s 64-bit result over: into `slots` from a thread, down the pipe from a child. */
static inline void report_word(uint64_t *slots, size_t task, uint64_t value, int results)
{
    if (results < 0)
        slots[task] = value;
    else
        write_all(results, &value, sizeof value, "write (result)");
}

/* The parent's side of report_word: reads child w's results, one per task it ran, into `slots`. */
static inline void collect_words(size_t w, size_t tasks, size_t workers, uint64_t *slots, int results)
{
    for (size_t task = w; task < tasks; task += workers) {
        if (read_exactly(results, &slots[task], sizeof slots[task], "read (result)") != 0)
            fail("worker process %zu sent no result for task %zu", w, task);
    }
}

/* The tasks' results folded into one checksum, which must be `*first` in every repetition but the
 * first (which sets it). */
static inline void check_results(const uint64_t *slots, size_t tasks, size_t repetition, uint64_t *first)
{
    uint64_t checksum = 0;
    for (size_t task = 0; task < tasks; task++)
        checksum = checksum * 31 + slots[task];
    if (repetition == 0)
        *first = checksum;
    else if (checksum != *first)
        fail("repetition %zu gave checksum %llu, the first %llu: the work differed", repetition,
             (unsigned long long)checksum, (unsigned long long)*first);
}

/* A trial whose tasks each give one 64-bit word (a checksum of their work), which must be the same
 * in every repetition: alloc.c's and refs.c's. It is the first member of the program's context, so
 * the context pointer run_workers hands around is also a pointer to it. */
struct word_trial {
    struct trial_options options;
    uint64_t *words; /* one per task */
};

/* run_workers' `collect` of a word_trial: child w's words, one per task it ran. */
static inline void collect_task_words(size_t w, void *context, int results)
{
    struct word_trial *trial = context;
    collect_words(w, trial->options.tasks, trial->options.workers, trial->words, results);
}

/* Runs a word_trial's repetitions: each one runs `body` on the workers inside the clock, with
 * `prepare` just before the clock and `finish` just after it (either may be NULL; both get the
 * trial), then checks the words against the first repetition's. Stores each repetition's elapsed
 * time ÷ (tasks × updates) in `per_update_ns` and returns the checksum. */
static inline uint64_t time_word_trial(struct word_trial *trial, worker_body body, void (*prepare)(struct word_trial *),
                                       void (*finish)(struct word_trial *), double *per_update_ns)
{
    const struct trial_options *o = &trial->options;
    uint64_t first = 0;
    for (size_t repetition = 0; repetition < o->repetitions; repetition++) {
        memset(trial->words, 0, o->tasks * sizeof *trial->words);
        if (prepare != NULL)
            prepare(trial);
        uint64_t start = now_ns();
        run_workers(o->kind, o->workers, body, collect_task_words, trial);
        uint64_t end = now_ns();
        if (finish != NULL)
            finish(trial);
        check_results(trial->words, o->tasks, repetition, &first);
        per_update_ns[repetition] = (double)(end - start) / (double)(o->tasks * o->updates);
    }
    return first;
}

/* Prints the median, minimum and maximum of `values` (sorted in place) as NAME_median_UNIT= ... */
static inline void print_spread(const char *name, const char *unit, double *values, size_t count)
{
    sort_doubles(values, count);
    printf("%s_median_%s=%.3f\n%s_min_%s=%.3f\n%s_max_%s=%.3f\n", name, unit, median_sorted(values, count), name,
           unit, values[0], name, unit, values[count - 1]);
}

#endif
