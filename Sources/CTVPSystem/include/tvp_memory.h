#ifndef TVP_MEMORY_H
#define TVP_MEMORY_H
/// Returns the free memory of every malloc arena to the kernel (`malloc_trim(0)`, a glibc
/// extension Swift's Glibc module does not export). Returns 1 when memory was released, else 0.
int tvp_release_free_memory(void);
#endif
