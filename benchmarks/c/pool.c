/*
 * pool.c — the cost per item of a minimal thread pool: one mutex, two condition variables.
 *
 *   pool [-w WORKERS] [-n ITEMS] [-r REPETITIONS] [-b]   defaults: 2 workers, 100000 items, 15
 *
 * The design is the textbook pool, and the shape of tvp's `threads` trial, whose task list is
 * known when the trial starts:
 *   - the pool's W threads are created and wait on `work_ready` for a batch;
 *   - the clock starts; the main thread publishes a batch of N items (the queue is an array of
 *     item numbers filled before the clock, so publishing it is setting `next = 0, count = N`
 *     under the mutex) and broadcasts `work_ready`;
 *   - each worker repeatedly takes the next item under the mutex and runs it with the mutex
 *     released; it also counts the item it just finished in the same critical section, so an item
 *     costs one lock/unlock, and the worker that finishes the last item signals `batch_done`;
 *   - the main thread waits on `batch_done`; the clock stops.
 * A trivial item stores a value in its own result slot, as a tvp task stores its digest; the
 * slots are checked afterwards, which proves every item ran exactly once.
 *
 * With -b an item does tvp's per-task bookkeeping as well, so that the pool is the twin of tvp's
 * `threads` mode on `null` tasks and not only of its dispatch: it reads CLOCK_MONOTONIC before and
 * after the item and stores a task outcome as tvp does (the 32-byte digest, the duration, the
 * thread) in the item's own slot. As in a tvp trial, the outcomes are allocated inside the clock
 * after free memory was given back to the system (malloc_trim, as tvp does before each trial), so
 * their pages are faulted in by the items that write them. Without -b the figure is the bare
 * dispatch.
 *
 * Per item = (clock stop − clock start) ÷ N: queue locking, contention between workers, waking
 * the idle workers once, and the items themselves. Creating the W threads is timed apart
 * (pthread_create calls until every worker is waiting) and so is shutting them down and joining
 * them; each repetition builds a fresh pool, as each tvp trial does.
 *
 * Output on stdout, one key=value per line:
 *   workers=W  items=N  repetitions=R
 *   per_item_median_us=  per_item_min_us=  per_item_max_us=   (over the repetitions)
 *   create_median_us=   (creating the W threads until all wait for work)
 *   join_median_us=     (telling them to stop and joining them)
 *   busiest_worker_share_median=   (fraction of the items the busiest worker ran: a mutex is not
 *                                   fair, and near 1.0 means one worker did almost everything
 *                                   while the other slept on the lock)
 */
#include "bench.h"

#include <malloc.h>
#include <pthread.h>

/* The pool's shared state; every field is guarded by `mutex`. */
struct pool {
    pthread_mutex_t mutex;
    pthread_cond_t work_ready;   /* a batch was published, or stop was set */
    pthread_cond_t batch_done;   /* the last item of the batch finished, or a worker became idle */
    const uint32_t *queue;       /* the batch's items */
    size_t count;                /* items in the batch */
    size_t next;                 /* index in `queue` of the next item to take */
    size_t finished;             /* items of the batch done */
    size_t idle;                 /* workers waiting for a batch (used to know creation is over) */
    int stop;
    uint64_t *results;           /* one slot per item, written without the lock */
    struct outcome *outcomes;    /* with -b: one outcome per item, written without the lock */
};

/* What tvp stores per task (-b): the digest of a null task (32 zero bytes), how long the task
 * ran, and the thread that ran it. */
struct outcome {
    uint64_t digest[4];
    uint64_t duration_ns;
    uint64_t thread;
};

/* Runs one trivial item: a value derived from the item number, in the item's own slot; with -b
 * timed by two clock reads and recorded as an outcome, as tvp records a task. */
static void run_item(struct pool *pool, uint32_t item)
{
    if (pool->outcomes) {
        uint64_t start = now_ns();
        pool->results[item] = (uint64_t)item * 2654435761u + 1;
        uint64_t end = now_ns();
        pool->outcomes[item] = (struct outcome){.duration_ns = end - start, .thread = (uint64_t)pthread_self()};
        return;
    }
    pool->results[item] = (uint64_t)item * 2654435761u + 1;
}

static void lock(struct pool *pool)
{
    int error = pthread_mutex_lock(&pool->mutex);
    if (error != 0)
        die_code("pthread_mutex_lock", error);
}

static void unlock(struct pool *pool)
{
    int error = pthread_mutex_unlock(&pool->mutex);
    if (error != 0)
        die_code("pthread_mutex_unlock", error);
}

static void wait_on(pthread_cond_t *condition, struct pool *pool)
{
    int error = pthread_cond_wait(condition, &pool->mutex);
    if (error != 0)
        die_code("pthread_cond_wait", error);
}

static void signal_one(pthread_cond_t *condition)
{
    int error = pthread_cond_signal(condition);
    if (error != 0)
        die_code("pthread_cond_signal", error);
}

static void broadcast(pthread_cond_t *condition)
{
    int error = pthread_cond_broadcast(condition);
    if (error != 0)
        die_code("pthread_cond_broadcast", error);
}

/* What a worker thread gets: the pool, and where to count the items it ran. */
struct worker_slot {
    struct pool *pool;
    size_t items_run;
};

/* A worker: takes items until told to stop. */
static void *worker(void *argument)
{
    struct worker_slot *slot = argument;
    struct pool *pool = slot->pool;
    int have_item = 0;
    uint32_t item = 0;
    lock(pool);
    for (;;) {
        if (have_item) {
            /* Count the item just run; the last one of the batch wakes the main thread. */
            pool->finished++;
            if (pool->finished == pool->count)
                signal_one(&pool->batch_done);
            have_item = 0;
        }
        if (pool->next < pool->count) {
            item = pool->queue[pool->next++];
            have_item = 1;
            unlock(pool);
            run_item(pool, item);
            slot->items_run++;
            lock(pool);
            continue;
        }
        if (pool->stop)
            break;
        pool->idle++;
        signal_one(&pool->batch_done); /* lets main see that this worker is up and waiting */
        while (pool->next >= pool->count && !pool->stop)
            wait_on(&pool->work_ready, pool);
        pool->idle--;
    }
    unlock(pool);
    return NULL;
}

int main(int argc, char **argv)
{
    size_t workers = 2, items = 100000, repetitions = 15;
    int bookkeeping = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-b") == 0) {
            bookkeeping = 1;
            continue;
        }
        if (i + 1 >= argc)
            usage_error("usage: pool [-w WORKERS] [-n ITEMS] [-r REPETITIONS] [-b]");
        if (strcmp(argv[i], "-w") == 0)
            workers = (size_t)parse_count(argv[++i], "WORKERS", 1, 4096);
        else if (strcmp(argv[i], "-n") == 0)
            items = (size_t)parse_count(argv[++i], "ITEMS", 1, UINT32_MAX);
        else if (strcmp(argv[i], "-r") == 0)
            repetitions = (size_t)parse_count(argv[++i], "REPETITIONS", 1, 100000);
        else
            usage_error("unknown option '%s'; usage: pool [-w WORKERS] [-n ITEMS] [-r REPETITIONS] [-b]", argv[i]);
    }

    uint32_t *queue = malloc(items * sizeof *queue);
    uint64_t *results = malloc(items * sizeof *results);
    pthread_t *threads = malloc(workers * sizeof *threads);
    struct worker_slot *slots = malloc(workers * sizeof *slots);
    double *busiest_share = malloc(repetitions * sizeof(double));
    double *per_item_us = malloc(repetitions * sizeof(double));
    double *create_us = malloc(repetitions * sizeof(double));
    double *join_us = malloc(repetitions * sizeof(double));
    if (!queue || !results || !threads || !slots || !busiest_share || !per_item_us || !create_us || !join_us)
        die("malloc");
    for (size_t i = 0; i < items; i++)
        queue[i] = (uint32_t)i;

    for (size_t repetition = 0; repetition < repetitions; repetition++) {
        /* Fault the result pages in before the clock, as tvp allocates its slots before a trial. */
        memset(results, 0, items * sizeof *results);
        struct pool pool = {.queue = queue, .results = results};
        if (bookkeeping)
            malloc_trim(0);
        int error;
        if ((error = pthread_mutex_init(&pool.mutex, NULL)) != 0)
            die_code("pthread_mutex_init", error);
        if ((error = pthread_cond_init(&pool.work_ready, NULL)) != 0 ||
            (error = pthread_cond_init(&pool.batch_done, NULL)) != 0)
            die_code("pthread_cond_init", error);

        uint64_t create_start = now_ns();
        for (size_t w = 0; w < workers; w++) {
            slots[w] = (struct worker_slot){.pool = &pool};
            if ((error = pthread_create(&threads[w], NULL, worker, &slots[w])) != 0)
                die_code("pthread_create", error);
        }
        lock(&pool);
        while (pool.idle < workers)
            wait_on(&pool.batch_done, &pool);
        unlock(&pool);
        uint64_t batch_start = now_ns();
        struct outcome *outcomes = NULL;
        if (bookkeeping) {
            /* The trial's result storage, fresh: tvp allocates its slots when the trial starts. */
            outcomes = malloc(items * sizeof *outcomes);
            if (!outcomes)
                die("malloc");
        }

        lock(&pool);
        pool.outcomes = outcomes;
        pool.count = items;
        pool.next = 0;
        pool.finished = 0;
        broadcast(&pool.work_ready);
        while (pool.finished < pool.count)
            wait_on(&pool.batch_done, &pool);
        unlock(&pool);
        uint64_t batch_end = now_ns();

        lock(&pool);
        pool.stop = 1;
        broadcast(&pool.work_ready);
        unlock(&pool);
        for (size_t w = 0; w < workers; w++) {
            if ((error = pthread_join(threads[w], NULL)) != 0)
                die_code("pthread_join", error);
        }
        uint64_t join_end = now_ns();
        pthread_cond_destroy(&pool.batch_done);
        pthread_cond_destroy(&pool.work_ready);
        pthread_mutex_destroy(&pool.mutex);

        for (size_t i = 0; i < items; i++) {
            if (results[i] != (uint64_t)i * 2654435761u + 1 || (outcomes && (outcomes[i].digest[0] != 0 || outcomes[i].thread == 0))) {
                fprintf(stderr, "pool: item %zu did not run (or ran wrong); the pool is broken\n", i);
                return 1;
            }
        }
        free(outcomes);
        size_t busiest = 0;
        for (size_t w = 0; w < workers; w++)
            busiest = slots[w].items_run > busiest ? slots[w].items_run : busiest;
        busiest_share[repetition] = (double)busiest / (double)items;
        per_item_us[repetition] = (double)(batch_end - batch_start) / 1000.0 / (double)items;
        create_us[repetition] = (double)(batch_start - create_start) / 1000.0;
        join_us[repetition] = (double)(join_end - batch_end) / 1000.0;
    }

    sort_doubles(per_item_us, repetitions);
    sort_doubles(create_us, repetitions);
    sort_doubles(join_us, repetitions);
    sort_doubles(busiest_share, repetitions);
    double median = median_sorted(per_item_us, repetitions);
    printf("workers=%zu\nitems=%zu\nrepetitions=%zu\nbookkeeping=%d\n", workers, items, repetitions, bookkeeping);
    printf("per_item_median_us=%.4f\nper_item_min_us=%.4f\nper_item_max_us=%.4f\n",
           median, per_item_us[0], per_item_us[repetitions - 1]);
    printf("create_median_us=%.1f\njoin_median_us=%.1f\nbusiest_worker_share_median=%.3f\n",
           median_sorted(create_us, repetitions), median_sorted(join_us, repetitions),
           median_sorted(busiest_share, repetitions));
    fprintf(stderr, "pool%s: %zu workers, %zu items: %.4f us per item (median of %zu; min %.4f, max %.4f); "
            "creating the threads %.1f us, joining %.1f us; the busiest worker ran %.1f %% of the items\n",
            bookkeeping ? " -b" : "", workers, items, median, repetitions, per_item_us[0], per_item_us[repetitions - 1],
            median_sorted(create_us, repetitions), median_sorted(join_us, repetitions),
            100 * median_sorted(busiest_share, repetitions));
    return 0;
}
