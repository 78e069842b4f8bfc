/*
 * refs.c — the C reference of tvp's `refs` workload: walks through a graph of reference-counted
 * objects, each step retaining the next node and releasing the previous one, on one graph shared
 * by every thread or on a copy per worker.
 *
 *   refs [-g shared|private] [-m threads|processes] [-w WORKERS] [-t TASKS] [-n UPDATES] [-c NODES] [-r REPETITIONS]
 *        defaults: shared, threads, 2 workers, 4 tasks, 2500000 steps per task, 256 nodes, 7
 *
 * A node is laid out as a Swift class instance with two strong references and a value: a type
 * pointer, a 64-bit reference count, `next`, `jump`, `value` (40 bytes, one malloc each, in node
 * order, as tvp's RefGraph allocates them). Retain and release do what the Swift runtime's
 * swift_retain and swift_release do to an object's inline count: a compare-and-swap loop, relaxed
 * for the retain, release ordering for the release (on x86 both are `lock cmpxchg`).
 *
 * The graph is tvp's: node i's `next` is node i + 1 (the last one's node 0), its `jump` the node
 * picked by the key stream task_seed(graph salt, NODES), its value i × golden ^ 0x5EF5. Task k
 * walks UPDATES steps from node 0 with the key stream task_seed(walk salt, k), taking `jump` when
 * a key's low bit is set, and sums the values of the nodes reached; the sums must be the same in
 * every repetition. `shared`: every thread walks one graph built before the clock; `private`: each
 * thread walks its own copy, built before the clock. A child process builds its own graph after
 * the fork, inside the clock, as tvp's worker builds its own before its first task; it writes its
 * sums to the parent's pipe.
 *
 * Output on stdout, one key=value per line:
 *   graph=  mode=  workers=  tasks=  updates=  nodes=  repetitions=  checksum=
 *   per_update_median_ns=  per_update_min_ns=  per_update_max_ns=   (elapsed ÷ (TASKS × UPDATES))
 */
#include "workers.h"

#include <stdatomic.h>

static const uint64_t walk_salt = 0x5EF5000000000000u;  /* tvp's RefsWorkload.keySalt */
static const uint64_t graph_salt = 0x6EA9000000000000u; /* tvp's RefGraph.buildSalt */

struct node {
    const void *type;
    _Atomic uint64_t references;
    struct node *next, *jump;
    uint64_t value;
};

struct walk {
    struct word_trial trial; /* first: workers.h reaches it through the context pointer; words: the sums */
    int shared;
    size_t nodes;
    struct node ***graphs; /* one node array per worker (threads); graph 0 when shared */
};

static inline void retain(struct node *node)
{
    uint64_t old = atomic_load_explicit(&node->references, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&node->references, &old, old + 1, memory_order_relaxed,
                                                  memory_order_relaxed)) {
    }
}

static inline void release(struct node *node)
{
    uint64_t old = atomic_load_explicit(&node->references, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&node->references, &old, old - 1, memory_order_release,
                                                  memory_order_relaxed)) {
    }
}

/* The graph as an array of nodes (each its own malloc, in order). */
static struct node **build(size_t count)
{
    struct node **nodes = malloc(count * sizeof *nodes);
    if (nodes == NULL)
        die("malloc");
    for (size_t i = 0; i < count; i++) {
        if ((nodes[i] = malloc(sizeof **nodes)) == NULL)
            die("malloc");
        *nodes[i] = (struct node){.type = nodes, .references = 1, .value = (uint64_t)i * 0x9E3779B97F4A7C15u ^ 0x5EF5};
    }
    uint64_t state = task_seed(graph_salt, count);
    for (size_t i = 0; i < count; i++) {
        nodes[i]->next = nodes[(i + 1) % count];
        nodes[i]->jump = nodes[reduce_key(next_key(&state), count)];
    }
    return nodes;
}

static void demolish(struct node **nodes, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(nodes[i]);
    free(nodes);
}

static uint64_t walk_task(struct node **graph, size_t task, size_t steps)
{
    uint64_t state = task_seed(walk_salt, task), sum = 0;
    struct node *current = graph[0];
    retain(current);
    for (size_t i = 0; i < steps; i++) {
        struct node *edge = (next_key(&state) & 1) == 0 ? current->next : current->jump;
        retain(edge);
        release(current);
        current = edge;
        sum += current->value;
    }
    release(current);
    return sum;
}

static void worker(size_t w, void *context, int results)
{
    struct walk *k = context;
    struct node **graph = results >= 0 ? build(k->nodes) : k->graphs[k->shared ? 0 : w];
    for (size_t task = w; task < k->trial.options.tasks; task += k->trial.options.workers) {
        report_word(k->trial.words, task, walk_task(graph, task, k->trial.options.updates), results);
    }
    if (results >= 0)
        demolish(graph, k->nodes);
}

/* Threads' graphs: one, or one per worker, built before the clock (a child builds its own). */
static size_t thread_graphs(const struct walk *k)
{
    return k->trial.options.kind == worker_threads ? (k->shared ? 1 : k->trial.options.workers) : 0;
}

static void build_graphs(struct word_trial *trial)
{
    struct walk *k = (struct walk *)trial;
    for (size_t w = 0; w < thread_graphs(k); w++)
        k->graphs[w] = build(k->nodes);
}

static void demolish_graphs(struct word_trial *trial)
{
    struct walk *k = (struct walk *)trial;
    for (size_t w = 0; w < thread_graphs(k); w++)
        demolish(k->graphs[w], k->nodes);
}

int main(int argc, char **argv)
{
    const char *usage = "usage: refs [-g shared|private] [-m threads|processes] [-w WORKERS] [-t TASKS] [-n UPDATES] [-c NODES] [-r REPETITIONS]";
    struct walk k = {.trial.options = default_trial_options(2500000), .shared = 1, .nodes = 256};
    const struct trial_options *o = &k.trial.options;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage_error("%s", usage);
        const char *option = argv[i], *value = argv[++i];
        if (strcmp(option, "-g") == 0) {
            if (strcmp(value, "shared") != 0 && strcmp(value, "private") != 0)
                usage_error("GRAPH must be shared or private, got '%s'", value);
            k.shared = strcmp(value, "shared") == 0;
        } else if (strcmp(option, "-c") == 0) {
            k.nodes = (size_t)parse_count(value, "NODES", 1, 1 << 24);
        } else if (!parse_trial_option(&k.trial.options, option, value)) {
            usage_error("unknown option '%s'; %s", option, usage);
        }
    }
    k.trial.words = calloc(o->tasks, sizeof *k.trial.words);
    double *per_update_ns = malloc(o->repetitions * sizeof(double));
    k.graphs = calloc(o->workers, sizeof *k.graphs);
    if (!k.trial.words || !per_update_ns || !k.graphs)
        die("malloc");

    uint64_t checksum = time_word_trial(&k.trial, worker, build_graphs, demolish_graphs, per_update_ns);

    printf("graph=%s\nmode=%s\nworkers=%zu\ntasks=%zu\nupdates=%zu\nnodes=%zu\nrepetitions=%zu\nchecksum=%llu\n",
           k.shared ? "shared" : "private", worker_kind_name(o->kind), o->workers, o->tasks, o->updates, k.nodes,
           o->repetitions, (unsigned long long)checksum);
    print_spread("per_update", "ns", per_update_ns, o->repetitions);
    fprintf(stderr, "refs: %s graph of %zu nodes, %zu %s: %.2f ns per step (median of %zu)\n",
            k.shared ? "shared" : "private", k.nodes, o->workers, worker_kind_name(o->kind),
            median_sorted(per_update_ns, o->repetitions), o->repetitions);
    return 0;
}
