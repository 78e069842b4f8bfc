/*
 * bare_exit.c — a process with no C library at all: its entry point makes the exit system call.
 *
 * Built static with -nostdlib (build.sh), it is what a process costs the kernel alone: fork, exec,
 * the first page faults, exit and reaping. benchmarks/limits.sh times it in row a's loop beside the
 * static C no-op, whose surplus over it is glibc's static start-up (on virtual machines mostly the
 * CPUID instructions glibc runs to learn the CPU's features and caches, each a trap to the
 * hypervisor: docs/overhead.md).
 */
void _start(void)
{
#if defined(__x86_64__)
    __asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
#elif defined(__aarch64__)
    __asm__ volatile("mov x8, #93\n\tmov x0, #0\n\tsvc #0");
#else
#error "bare_exit.c knows the exit system call of x86_64 and aarch64 only"
#endif
    for (;;) {
    }
}
