# downloads.gp: what downloads in flight cost tvp's own process; per download variant a panel of
# its peak OS threads and one of its peak memory against downloads in flight (workers), a line per
# mode. Data (DownloadsChart.swift): series.tsv, a block per (panel, mode): x, workers, y (threads,
# or bytes), low, high (empty). Settings: panel_kind (1 threads, 2 memory).
load "lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval workers_axis
    if (panel_kind[p] == 2) {
        eval y_axis(p, "%.0s %cB", "%.0s %cB")
    } else {
        eval y_axis(p, "%g", "%g")
    }
    plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y" \
            with linespoints lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle
}
eval legend
unset multiplot
