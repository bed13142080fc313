// The main() of bench_wire; the benchmarks live in the other files.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
