# downloads.gp: a thread per download or an event loop; per download variant a panel of the speedup
# over serial (with the ideal line, speedup = downloads in flight), one of tvp's peak OS threads and
# one of its peak memory, against downloads in flight (workers), a line per mode.
# Data (DownloadsChart.swift): series.tsv, a block per (panel, mode): x, workers, y (speedup,
# threads or bytes), low, high (the speedup's 95 % interval; empty otherwise).
# Settings: panel_kind (0 speedup, 1 threads, 2 memory).
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval workers_axis
    if (panel_kind[p] == 0) {
        eval y_axis(p, "%g×", "%g×")
        plot x with lines dt 2 lw 1.5 lc rgb "#555555" notitle, \
            for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
                with yerrorlines lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle
    } else {
        if (panel_kind[p] == 2) {
            eval y_axis(p, "%.0s %cB", "%.0s %cB")
        } else {
            eval y_axis(p, "%g", "%g")
        }
        plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y" \
                with linespoints lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle
    }
}
eval legend
unset multiplot
