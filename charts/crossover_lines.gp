# crossover_lines.gp: the crossover as lines; a panel per pair of modes, x the CPU share, y the
# thread mode's wall time ÷ the process mode's (log), a line per task size with 95 % bars, the
# bold break-even line at 1, the regions named, the panel's verdict under its title.
# Data (CrossoverLinesChart.swift): series.tsv, a block per (panel, task size): x, y, low, high.
# Settings: panel_upper, panel_lower, panel_verdict.
load charts_dir . "/lib.gp"

set multiplot title heading
do for [p = 1:panel_count] {
    eval panel(p)
    set xrange [-0.05 : 1.05]
    set xtics 0, 0.25, 1 nomirror out
    set xlabel "CPU share of each task (0: all sleep, 1: all hashing)"
    eval y_axis(p, "%g×", "%g×")
    # The regions are named at the panel's top and bottom edges, where the data leaves room.
    set label 1 panel_upper[p] at graph 0.015, graph 0.96 left tc rgb "#333333" font ",10" front noenhanced
    set label 2 panel_lower[p] at graph 0.015, graph 0.04 left tc rgb "#333333" font ",10" front noenhanced
    set label 3 panel_verdict[p] at graph 0.5, graph 1.04 center font ",9" noenhanced
    set title offset 0, 0.7
    plot 1 with lines lw 3.5 lc rgb "#222222" notitle, \
        for [b = panel_first[p]:panel_last[p]] data("series.tsv") index (b - 1) using "x":"y":"low":"high" \
            with yerrorlines lw 2 pt 7 ps 1.0 lc rgb block_color[b] notitle
}
eval legend
unset multiplot
