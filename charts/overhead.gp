# overhead.gp: per-task cost of each mode on the null workload against workers, log axis; bars
# from the fastest and slowest trials; each mode's value written left of its first point; for
# process modes the median spawn, dashed with hollow points.
# Data (OverheadChart.swift): series.tsv, a block per (panel, mode): x, workers, y (seconds per
# task), low, high, spawn (seconds, NaN for modes without processes), label (the value as text)
# and label_y (where it is written: NaN but at the mode's smallest worker count).
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval workers_axis
    eval y_axis(p, "%.0s %cs", "%.0s %cs")
    plot for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
            with yerrorlines lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle, \
        for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"label_y":"label" \
            with labels right offset -1.2, 0 tc rgb block_color[b] font ",10" notitle, \
        for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"spawn" \
            with linespoints dt 2 lw 1.5 ps 1.0 lc rgb block_color[b] pt (block_point[b] - 1) notitle
}
eval legend
unset multiplot
