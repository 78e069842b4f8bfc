# speedup.gp: speedup over serial against workers; a panel per workload variant, a line per mode
# with its 95 % bootstrap interval, the ideal line (speedup = workers) and the usable-CPU ceiling.
# Data (SpeedupChart.swift): series.tsv, a block per (panel, mode): x, workers, y, low, high.
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    eval workers_axis
    eval y_axis(p, "%g×", "%g×")
    # The ceiling's label sits at the far left, just above its line: there the ideal line runs
    # below it and speedups are near 1, whereas on the right a CPU-bound mode runs along it.
    if (usable_cpus > 0) {
        set label 1 sprintf("usable CPUs = %d", usable_cpus) at graph 0.01, first usable_cpus left offset 0, 0.8 \
            tc rgb "#9b1c1c" font ",10" front
    }
    plot x with lines dt 2 lw 1.5 lc rgb "#555555" notitle, \
        (usable_cpus > 0 ? usable_cpus : NaN) with lines dt 3 lw 2 lc rgb "#9b1c1c" notitle, \
        for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
            with yerrorlines lw block_width[b] ps 1.1 lc rgb block_color[b] pt block_point[b] notitle
}
eval legend
unset multiplot
