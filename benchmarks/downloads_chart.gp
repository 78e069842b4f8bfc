# downloads_chart.gp — the downloads chart of a run of scenarios/downloads.yaml, drawn from its
# summary.csv until the chart layer (charts/, ChartCatalog) has a `downloads` chart of its own.
#
#   gnuplot -e "run='results/reference/downloads'" benchmarks/downloads_chart.gp
#
# Top: speedup (throughput against serial) by downloads in flight, log axes, one line per mode,
# the ideal (= in flight) dashed. Bottom: peak memory of tvp's process (MiB, solid) and its peak
# OS threads (dashed), by downloads in flight. Keep-alive off (Connection: close) only.
if (!exists("run")) run = "results/reference/downloads"
set terminal pngcairo size 1100,1000 font ",11"
set output run."/charts/downloads.png"
set datafile separator ","
set multiplot layout 2,1 title "Downloads from a loopback server (50 ms latency, 16 KiB files, Connection: close), 2 CPUs"
set logscale x
set xrange [0.8:13000]
set xlabel "downloads in flight (workers)"
set grid
set key top left
# Columns of summary.csv (schema 4): 17 keep_alive, 18 mode, 19 workers, 37 speedup,
# 53 os_threads_max_median, 54 tvp_max_rss_median_kib.
row(mode) = sprintf("< awk -F, 'NR>1 && $17==\"false\" && $18==\"%s\"' %s/summary.csv | sort -t, -k19 -n", mode, run)
modes = "threads async gil gil-release processes process-pool"
set logscale y
set ylabel "speedup over serial (×, log)"
plot for [i=1:words(modes)] row(word(modes, i)) using 19:37 with linespoints lw 2 lc i title word(modes, i), \
     x with lines dt 2 lc rgb "gray" title "ideal (= in flight)"
unset logscale y
set logscale y
set ylabel "peak MiB of tvp (solid) / peak OS threads of tvp (dashed), log"
set key top left maxrows 6
plot for [i=1:words(modes)] row(word(modes, i)) using 19:($54/1024) with linespoints lw 2 lc i title word(modes, i)." MiB", \
     for [i=1:words(modes)] row(word(modes, i)) using 19:53 with linespoints dt 2 lw 1 lc i title word(modes, i)." threads"
unset multiplot
