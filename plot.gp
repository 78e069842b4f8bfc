# plot.gp: tvp's charts, drawn from one run folder's summary.csv.
#
#     gnuplot -c plot.gp RUN_DIR          (`tvp plot RUN_DIR` runs exactly this)
#
# Writes RUN_DIR/charts/<chart>.png and <chart>.svg for each chart whose data the run has:
#     speedup      speedup over serial vs workers                         (summary.csv)
#     wall_time    wall time of one trial vs workers                      (summary.csv)
#     overhead     per-task cost of each mode on the null workload        (summary.csv)
#     efficiency   speedup per usable CPU                                 (summary.csv)
#     cpu_vs_wall  CPU time against wall time                             (summary.csv)
#     transfer     what a process pays to get its data (shared workload)  (summary.csv)
#     crossover    thread mode ÷ process mode wall time by task size      (crossover.csv, breakeven.csv)
#     startup      pool start-up apart from the tasks                     (summary.csv)
#
# Rules this script keeps:
# - Columns are read by name (column("speedup"), strcol("mode")), never by number, so summary.csv can
#   gain columns without breaking it.
# - Every chart is a section that first checks its data is present and is skipped otherwise, so a
#   partial run (one workload, two modes, no null) plots without errors and without empty panels.
# - A normal run prints nothing on stderr: `tvp plot` treats anything there as a failure. Notes
#   ("skipped: ...") go to stdout. gnuplot warns "no valid points" when a plot has no data, so a
#   plot command is only issued for a (variant, mode) pair that was first seen to have numbers.
#
# - Variant and mode names may hold spaces and commas, but not a double quote or a tab (lists of
#   names are strings of "quoted" words, and the CSV is read as tab-separated values).
#
# Adding a chart: copy a section. Pick its panels with the loop `v = ...; col = ...; eval find_modes`,
# skip the chart when no panel qualifies, then draw with `eval place_panel(i, npanels)` per panel
# and `eval draw_legend` once at the end. Sections must stay above "End", which removes the data.

################################################################################
# 0. Input and output
################################################################################

if (ARGC < 1) { exit error "usage: gnuplot -c plot.gp RUN_DIR" }
run_dir = ARG1
summary_csv = run_dir . "/summary.csv"
# An optional second argument names the folder to write into (tvp plot draws into a temporary
# folder and renames the files into charts/, so a reader never sees half a chart).
charts_dir = ARGC >= 2 ? ARG2 : run_dir . "/charts"

# The shell sees paths in single quotes, with each ' written as '\''.
quote_body(s) = strstrt(s, "'") == 0 ? s : \
    substr(s, 1, strstrt(s, "'") - 1) . "'\\''" . quote_body(substr(s, strstrt(s, "'") + 1, strlen(s)))
shell_quote(s) = "'" . quote_body(s) . "'"

# Rows after the header, or -1 when the file cannot be read. Checked before anything else because
# `stats` on a file without data rows is a hard error with a less helpful message.
rows_after_header(path) = int(system(sprintf("if [ -r %s ]; then awk 'END { print NR - 1 }' %s; else echo -1; fi", \
    shell_quote(path), shell_quote(path))))
data_rows = rows_after_header(summary_csv)
if (data_rows < 0) { exit error sprintf("cannot read %s", summary_csv) }
if (data_rows == 0) { exit error sprintf("%s has no rows: nothing to plot", summary_csv) }
system("mkdir -p " . shell_quote(charts_dir))

# gnuplot counts the columns of quoted CSV fields right, but strcol() cuts a quoted field at its
# first comma ("io[20ms, warm]" would read as "io[20ms"). So each RFC 4180 CSV is rewritten once as
# tab-separated values (quotes removed, "" unescaped, CR dropped) into a temporary file: summary.csv
# into `summary`, which every section reads, other CSV files by the section that needs them. The
# last section removes them all (`temp_files`).
csv_to_tsv = 'awk ''{ sub(/\r$/, ""); out = ""; quoted = 0; ' . \
    'for (i = 1; i <= length($0); i++) { c = substr($0, i, 1); ' . \
    'if (quoted) { if (c != "\"") out = out c; else if (substr($0, i + 1, 1) == "\"") { out = out c; i++ } else quoted = 0 } ' . \
    'else if (c == "\"") quoted = 1; else if (c == ",") out = out "\t"; else out = out c } ' . \
    'print out }'''
temp_files = ""
tsv_copy(path) = (tsv_ = system("mktemp"), system(csv_to_tsv . " " . shell_quote(path) . " > " . shell_quote(tsv_)), \
    temp_files = temp_files . " " . shell_quote(tsv_), tsv_)
summary = tsv_copy(summary_csv)

# The columns summary.csv has. Sections that read columns added in later schema versions check for
# them first, so an older run skips those charts with a note.
summary_columns = " " . system("head -n 1 " . shell_quote(summary) . " | tr '\\t' ' '") . " "
has_column(c) = strstrt(summary_columns, " " . c . " ") > 0

set datafile separator tab
set datafile columnheaders
# Plots filter rows by setting the other rows' values to NaN. Treated as undefined, such a row would
# break a line wherever the file interleaves modes; treated as missing, it is skipped and the line
# joins the points of one mode whatever the row order.
set datafile missing NaN
set encoding utf8
set micro                 # SI-prefix tic labels (%c) say "µs", not "us"
set print "-"             # `print` writes notes to stdout; stderr is reserved for real problems

chart_path(name, ext) = sprintf("%s/%s.%s", charts_dir, name, ext)
png_terminal = 'set terminal pngcairo size 1200,800 enhanced font "sans,11"'
svg_terminal = 'set terminal svg size 1200,800 dynamic enhanced font "sans,11"'

################################################################################
# 1. Helpers
################################################################################

# NaN is the only value not equal to itself; empty CSV fields ("not applicable") read as NaN, and a
# point whose coordinate is NaN is not drawn.
is_number(x) = x == x
either(x, fallback) = is_number(x) ? x : fallback
min2(a, b) = a < b ? a : b
max2(a, b) = a > b ? a : b

# Lists are strings of double-quoted words, so word()/words() keep "io[20ms 4x256KiB warm]" whole.
has_word(list, w) = strstrt(list, '"' . w . '"') > 0
add_word(list, w) = has_word(list, w) ? list : list . ' "' . w . '"'
position(list, w) = sum [k = 1:words(list)] (word(list, k) eq w ? k : 0)
# A list of numbers (as words) in ascending order; the words must be distinct, as add_word keeps them.
rank_of(list, k) = sum [j = 1:words(list)] (real(word(list, j)) < real(word(list, k)) ? 1 : 0)
sort_numbers(list) = (sorted_ = "", \
    sum [r = 0:words(list) - 1] sum [k = 1:words(list)] (rank_of(list, k) == r ? (sorted_ = sorted_ . ' "' . word(list, k) . '"', 0) : 0), \
    sorted_)
# Lines and bars drawn for a combination ("process-pool" and "pipe") are listed under one word joined
# by "|": key_field("process-pool|pipe", 2) is "pipe".
key_field(key, k) = k <= 1 ? (strstrt(key, "|") > 0 ? key[1:strstrt(key, "|") - 1] : key) : \
    key_field(key[strstrt(key, "|") + 1:strlen(key)], k - 1)

# A time in seconds with an SI prefix and three significant digits: "104 ms", "4.90 ms", "40.0 µs".
si_mantissa(x) = x / 10**(3 * floor(log10(x) / 3))
time_text(x) = gprintf(si_mantissa(x) < 9.995 ? "%.2s %cs" : si_mantissa(x) < 99.95 ? "%.1s %cs" : "%.0s %cs", x)

# Row filter: the value of column c on rows of variant v and mode m, NaN on every other row.
in_cell(v, m) = strcol("variant") eq v && strcol("mode") eq m
pick(v, m, c) = in_cell(v, m) ? column(c) : NaN
pick_or(v, m, c, fallback) = in_cell(v, m) ? either(column(c), column(fallback)) : NaN

################################################################################
# 2. What the run contains: one pass over summary.csv
################################################################################

all_variants = ""       # every workload variant, in file order
work_variants = ""      # variants that do work (not the null workload)
null_variants = ""      # variants of the null workload
file_modes = ""         # modes in file order
worker_counts = ""      # distinct worker counts
usable_cpus = NaN
scenario = ""
tasks_min = 1e18; tasks_max = 0
n_min = 1e9; n_max = 0

note_row(workload, v, m, w) = ( \
    all_variants = add_word(all_variants, v), \
    workload eq "null" ? (null_variants = add_word(null_variants, v)) : (work_variants = add_word(work_variants, v)), \
    file_modes = add_word(file_modes, m), \
    worker_counts = add_word(worker_counts, sprintf("%d", w)), \
    usable_cpus = either(column("usable_cpus"), usable_cpus), \
    scenario = strcol("scenario"), \
    tasks_min = min2(tasks_min, either(column("tasks"), tasks_min)), tasks_max = max2(tasks_max, either(column("tasks"), tasks_max)), \
    n_min = min2(n_min, column("n")), n_max = max2(n_max, column("n")), \
    0)
stats summary using (note_row(strcol("workload"), strcol("variant"), strcol("mode"), column("workers"))) nooutput

# The words of `list` that are in `order`, in that order.
in_order(list, order) = (ordered_ = "", \
    sum [k = 1:words(order)] (has_word(list, word(order, k)) ? (ordered_ = add_word(ordered_, word(order, k)), 0) : 0), \
    ordered_)
# The words of `list`, those in `known` first in that order, then the others in list order.
known_first(list, known) = (first_ = in_order(list, known), \
    sum [k = 1:words(list)] (first_ = add_word(first_, word(list, k)), 0), \
    first_)

# Modes in a fixed order (known modes first, as DESIGN.md lists them), then any new ones in file order.
known_modes = '"serial" "threads" "processes" "process-pool" "gil" "gil-release" "async"'
modes = known_first(file_modes, known_modes)
in_mode_order(list) = in_order(list, modes)

min_workers = 1e9; max_workers = 0
do for [k = 1:words(worker_counts)] {
    min_workers = min2(min_workers, int(word(worker_counts, k)))
    max_workers = max2(max_workers, int(word(worker_counts, k)))
}

# `stats` ignores points outside the current axis ranges, so the ranges and log scales left by the
# previous panel are cleared before every pass over the data. Range passes use one column each:
# two-column `stats` on a single point warns that it cannot fit a line.
free_axes = 'set autoscale xy; unset logscale'

# Sets `panel_modes` to the modes (in mode order) that have a number in column `col` (a positive one
# when `need_positive` is set) on rows of variant `v`. Run before every plot so that no plot
# command filters down to zero points.
need_positive = 0
note_mode(v, c) = (in_cell(v, strcol("mode")) && is_number(column(c)) && (!need_positive || column(c) > 0) ? (found_ = add_word(found_, strcol("mode"))) : 0, 0)
find_modes = free_axes . '; found_ = ""; stats summary using (note_mode(v, col)) nooutput; panel_modes = in_mode_order(found_)'

################################################################################
# 3. Look: colours per mode, panel grid, axes, shared legend
################################################################################

# Okabe–Ito colours (distinguishable with colour blindness); a mode this script does not know yet
# gets a spare colour by its position, so it still plots.
spare_colors = "#8C564B #6A3D9A #999999 #F0E442"
mode_color(m) = m eq "serial" ? "#000000" : m eq "threads" ? "#0072B2" : m eq "processes" ? "#D55E00" : \
    m eq "process-pool" ? "#E69F00" : m eq "gil" ? "#009E73" : m eq "gil-release" ? "#56B4E9" : m eq "async" ? "#CC79A7" : \
    word(spare_colors, 1 + (position(modes, m) - 1) % words(spare_colors))
mode_point(m) = m eq "serial" ? 13 : m eq "threads" ? 7 : m eq "processes" ? 5 : \
    m eq "process-pool" ? 9 : m eq "gil" ? 11 : m eq "gil-release" ? 3 : m eq "async" ? 15 : 3
mode_open_point(m) = mode_point(m) - 1      # the hollow twin of each filled point type

# Modes at the same worker count are nudged apart on the log2 x axis so error bars do not overlap.
dodge(m) = 2 ** (0.03 * (position(modes, m) - (words(modes) + 1) / 2.0))
x_of(m) = column("workers") * dodge(m)

# Panels: up to `panels_abreast` (3) side by side, more in a near-square grid. The strip above the
# panels holds the chart title, the strip below them the shared legend. A chart whose panels need
# width sets `panels_abreast` lower while it draws.
panels_abreast = 3
grid_cols(n) = n <= panels_abreast ? n : int(ceil(sqrt(n)))
grid_rows(n) = int(ceil(real(n) / grid_cols(n)))
box_left = 0.075; box_right = 0.985; box_top = 0.865; box_bottom = 0.165
gap_x = 0.075; gap_y = 0.13
panel_w(n) = (box_right - box_left - (grid_cols(n) - 1) * gap_x) / grid_cols(n)
panel_h(n) = (box_top - box_bottom - (grid_rows(n) - 1) * gap_y) / grid_rows(n)
panel_left(i, n) = box_left + ((i - 1) % grid_cols(n)) * (panel_w(n) + gap_x)
panel_top(i, n) = box_top - ((i - 1) / grid_cols(n)) * (panel_h(n) + gap_y)
place_panel(i, n) = sprintf("set lmargin at screen %.4f; set rmargin at screen %.4f; set tmargin at screen %.4f; set bmargin at screen %.4f", \
    panel_left(i, n), panel_left(i, n) + panel_w(n), panel_top(i, n), panel_top(i, n) - panel_h(n))

# Text from the data shown in enhanced mode gets its markup characters escaped ("my_scenario" would
# otherwise print "scenario" as a subscript).
enhanced_escape(s) = strlen(s) == 0 ? "" : \
    (strstrt("_^{}@&~\\", s[1:1]) > 0 ? "\\" : "") . s[1:1] . enhanced_escape(s[2:strlen(s)])

# The second line of every chart title.
n_text = n_min == n_max ? sprintf("%d", n_max) : sprintf("%d–%d", n_min, n_max)
# Workloads may run different task counts (the null workload many tiny tasks, the shared workload a
# few large ones), so the line gives the range rather than the last row's count.
tasks_text = tasks_min == tasks_max ? sprintf("%d", tasks_max) : sprintf("%d–%d", tasks_min, tasks_max)
context = sprintf("scenario %s · %s tasks per trial · median of %s trials per cell", enhanced_escape(scenario), tasks_text, n_text) \
    . (is_number(usable_cpus) ? sprintf(" · %d usable CPUs", usable_cpus) : "")
chart_title(t) = t . "\n{/*0.85 " . context . "}"

# x axis of every panel: workers on a log2 scale, a tic at each worker count the run used.
set_workers_axis = 'set logscale x 2; set xrange [min_workers / 1.3 : max_workers * 1.3]; set xtics (); ' . \
    'do for [k = 1:words(worker_counts)] { set xtics add (word(worker_counts, k) int(word(worker_counts, k))) }; ' . \
    'set xtics nomirror out; set xlabel "workers (log scale)"'

# y axis from lo to hi: logarithmic when the data spans more than `log_ratio`, else linear from 0.
# `log_format` labels a log axis, `lin_format` a linear one. A base-10 axis spanning three decades or
# less gets tics at 1, 2 and 5 × 10^k, since a tic per decade would leave one or two labels.
log_tics(lo, hi) = (hi / lo <= 1000) ? \
    sprintf('set ytics (); do for [e_ = %d:%d] { set ytics add (10.0**e_, 2 * 10.0**e_, 5 * 10.0**e_) }', floor(log10(lo)), ceil(log10(hi))) : \
    'set ytics auto'
set_y_axis(lo, hi, log_ratio, base, log_format, lin_format) = (lo > 0 && hi / lo > log_ratio) ? \
    sprintf('set logscale y %d; set yrange [%g : %g]; set mytics default; set format y "%s"; ', base, lo / 1.35, hi * 1.35, log_format) \
        . (base == 10 ? log_tics(lo / 1.35, hi * 1.35) : 'set ytics auto') . '; set ytics nomirror out' : \
    sprintf('unset logscale y; set yrange [0 : %g]; set ytics auto nomirror out; set mytics default; set format y "%s"', hi * 1.12, lin_format)

# Shared legend: after the panels, an empty plot whose key sits centred in the bottom strip.
# Its curves are a constant outside the y range, so only the key samples are drawn.
# `legend_modes` are drawn as `legend_mode_sample` (a line with the mode's point unless a chart
# says otherwise: a chart whose points mean something else, or a bar chart); `legend_extra` is
# eval'd to add reference-line entries (each starting with ", "; a chart without mode entries has
# only these, since gnuplot evaluates a loop's options even when it runs no iteration). Charts that
# change either reset it after drawing.
mode_points_sample = '2 with linespoints lw 2 pt mode_point(word(legend_modes, k)) ps 1.2'
legend_mode_sample = mode_points_sample
legend_extra = ""
legend_command(extra) = 'set lmargin at screen 0.01; set rmargin at screen 0.99; set bmargin at screen 0.0; set tmargin at screen 0.02; ' . \
    'unset title; unset xlabel; unset ylabel; unset logscale; unset border; unset tics; unset arrow; unset label; ' . \
    'set xrange [0:1]; set yrange [0:1]; set key at screen 0.5, 0.04 center center horizontal maxrows 1 width -1 samplen 3 spacing 1.2; ' . \
    'plot ' . (words(legend_modes) == 0 ? extra[3:strlen(extra)] : \
        'for [k = 1:words(legend_modes)] ' . legend_mode_sample . ' lc rgb mode_color(word(legend_modes, k)) ' . \
        'title word(legend_modes, k) noenhanced' . extra)
draw_legend = 'eval legend_command(legend_extra)'

set grid xtics ytics mytics lc rgb "#dddddd" lw 1
set border 3
set tics nomirror out
set bars small

################################################################################
# 4. Chart: speedup.{png,svg}
#    Speedup over serial vs workers, panel per working variant, a line per mode, 95 % bootstrap CI
#    bars, the ideal line y = workers and the usable-CPU ceiling. The null workload is left out:
#    its "speedup" is only the inverse of each mode's overhead, which the overhead chart shows.
################################################################################

panels = ""; legend_modes = ""
do for [i = 1:words(work_variants)] {
    v = word(work_variants, i); col = "speedup"; eval find_modes
    # A serial point alone (speedup 1 by definition) is not a chart.
    if (words(panel_modes) > (has_word(panel_modes, "serial") ? 1 : 0)) {
        panels = add_word(panels, v)
        do for [k = 1:words(panel_modes)] { legend_modes = add_word(legend_modes, word(panel_modes, k)) }
    }
}
legend_modes = in_mode_order(legend_modes)

# The usable-CPU ceiling is a plot clause only when the run recorded it (a NaN curve would warn).
ceiling_curve = is_number(usable_cpus) ? 'usable_cpus with lines dt 3 lw 2 lc rgb "#9b1c1c" notitle,' : ''

if (words(panels) == 0) {
    print "speedup: skipped (no speedups: the run needs a serial cell and another mode of the same workload)"
} else { do for [fmt in "png svg"] {
    eval (fmt eq "png" ? png_terminal : svg_terminal)
    set output chart_path("speedup", fmt)
    npanels = words(panels)
    set multiplot title chart_title("Speedup over serial (median serial wall time ÷ median wall time; bars: 95 % bootstrap CI)")
    do for [i = 1:npanels] {
        v = word(panels, i); col = "speedup"; eval find_modes
        # The y range must hold the data with its CI, the ideal line up to the largest worker count,
        # and the usable-CPU ceiling.
        eval free_axes
        stats summary using (pick_or(v, strcol("mode"), "speedup_ci_low", "speedup")) nooutput
        lo = min2(STATS_min, 1)
        stats summary using (pick_or(v, strcol("mode"), "speedup_ci_high", "speedup")) nooutput
        hi = max2(max2(STATS_max, max_workers), either(usable_cpus, 1))
        eval place_panel(i, npanels)
        eval set_workers_axis
        eval set_y_axis(lo, hi, 10, 2, "%g×", "%g×")
        set ylabel "speedup (× serial)"
        set title v noenhanced
        unset key
        unset label
        # The ceiling's label sits at the far left, just above the line: there the ideal line runs
        # below it (the two cross at workers = usable CPUs) and speedups are near 1, whereas on the
        # right a CPU-bound mode runs along the ceiling. In panels three abreast the label's end can
        # touch the ideal line; it is not boxed, so it never hides data.
        if (is_number(usable_cpus)) {
            set label 1 sprintf("usable CPUs = %d", usable_cpus) at graph 0.01, first usable_cpus left offset 0, 0.8 \
                tc rgb "#9b1c1c" font ",10" front
        }
        plot x with lines dt 2 lw 1.5 lc rgb "#555555" notitle, \
            @ceiling_curve \
            for [k = 1:words(panel_modes)] summary using (x_of(word(panel_modes, k))) \
                :(pick(v, word(panel_modes, k), "speedup")) \
                :(pick_or(v, word(panel_modes, k), "speedup_ci_low", "speedup")) \
                :(pick_or(v, word(panel_modes, k), "speedup_ci_high", "speedup")) \
                with yerrorlines lw 2 ps 1.1 lc rgb mode_color(word(panel_modes, k)) pt mode_point(word(panel_modes, k)) notitle
    }
    legend_extra = ', 2 with lines dt 2 lw 1.5 lc rgb "#555555" title "ideal (= workers)"' . \
        (is_number(usable_cpus) ? ', 2 with lines dt 3 lw 2 lc rgb "#9b1c1c" title "usable CPUs"' : '')
    eval draw_legend
    legend_extra = ""
    unset multiplot
    set output
} }

################################################################################
# 5. Chart: wall_time.{png,svg}
#    Median wall time of one trial vs workers, panel per variant (null included: its wall time is
#    the modes' pure cost), a line per mode, min–max bars over the counted trials.
################################################################################

panels = ""; legend_modes = ""
do for [i = 1:words(all_variants)] {
    v = word(all_variants, i); col = "wall_median_s"; eval find_modes
    if (words(panel_modes) > 0) {
        panels = add_word(panels, v)
        do for [k = 1:words(panel_modes)] { legend_modes = add_word(legend_modes, word(panel_modes, k)) }
    }
}
legend_modes = in_mode_order(legend_modes)

if (words(panels) == 0) {
    print "wall_time: skipped (no wall times)"
} else { do for [fmt in "png svg"] {
    eval (fmt eq "png" ? png_terminal : svg_terminal)
    set output chart_path("wall_time", fmt)
    npanels = words(panels)
    set multiplot title chart_title("Wall time of one trial (median; bars: fastest–slowest trial)")
    do for [i = 1:npanels] {
        v = word(panels, i); col = "wall_median_s"; eval find_modes
        eval free_axes
        stats summary using (pick_or(v, strcol("mode"), "wall_min_s", "wall_median_s")) nooutput
        lo = STATS_min
        stats summary using (pick_or(v, strcol("mode"), "wall_max_s", "wall_median_s")) nooutput
        hi = STATS_max
        eval place_panel(i, npanels)
        eval set_workers_axis
        eval set_y_axis(lo, hi, 20, 10, "%.0s %cs", "%g s")
        set ylabel "wall time per trial"
        set title v noenhanced
        unset key
        unset label
        plot for [k = 1:words(panel_modes)] summary using (x_of(word(panel_modes, k))) \
                :(pick(v, word(panel_modes, k), "wall_median_s")) \
                :(pick_or(v, word(panel_modes, k), "wall_min_s", "wall_median_s")) \
                :(pick_or(v, word(panel_modes, k), "wall_max_s", "wall_median_s")) \
                with yerrorlines lw 2 ps 1.1 lc rgb mode_color(word(panel_modes, k)) pt mode_point(word(panel_modes, k)) notitle
    }
    eval draw_legend
    unset multiplot
    set output
} }

################################################################################
# 6. Chart: overhead.{png,svg}
#    What a mode costs per task when the task does nothing (null workload): trial wall time ÷ tasks,
#    log scale, bars from the fastest and slowest trials. For modes that spawn processes, the
#    median time from spawn to the task starting (startup_p50_us) is drawn dashed. The points at the
#    smallest worker count of each mode carry their value, written to their left where the axis leaves room.
################################################################################

# Per-task values in seconds, so that SI tic labels ("2 ms", "10 µs") fit every mode.
per_task_s(v, m, c) = in_cell(v, m) ? either(column(c), column("wall_median_s")) / column("tasks") : NaN
micro_s(v, m, c) = in_cell(v, m) ? column(c) * 1e-6 : NaN

panels = ""; legend_modes = ""; startup_modes = ""
do for [i = 1:words(null_variants)] {
    v = word(null_variants, i); col = "per_task_us"; eval find_modes
    if (words(panel_modes) > 0) {
        panels = add_word(panels, v)
        do for [k = 1:words(panel_modes)] { legend_modes = add_word(legend_modes, word(panel_modes, k)) }
        col = "startup_p50_us"; eval find_modes
        do for [k = 1:words(panel_modes)] { startup_modes = add_word(startup_modes, word(panel_modes, k)) }
    }
}
legend_modes = in_mode_order(legend_modes); startup_modes = in_mode_order(startup_modes)

if (words(panels) == 0) {
    print "overhead: skipped (the run has no null workload)"
} else { do for [fmt in "png svg"] {
    eval (fmt eq "png" ? png_terminal : svg_terminal)
    set output chart_path("overhead", fmt)
    npanels = words(panels)
    set multiplot title chart_title("Per-task overhead of each mode (null workload: tasks that do nothing)")
    do for [i = 1:npanels] {
        v = word(panels, i); col = "per_task_us"; eval find_modes
        task_modes = panel_modes
        col = "startup_p50_us"; eval find_modes
        spawn_modes = panel_modes
        eval free_axes
        stats summary using (per_task_s(v, strcol("mode"), "wall_min_s")) nooutput
        lo = STATS_min
        stats summary using (per_task_s(v, strcol("mode"), "wall_max_s")) nooutput
        hi = STATS_max
        # Each mode's smallest worker count, where its value is written.
        first_workers = ""
        do for [k = 1:words(task_modes)] {
            stats summary using (in_cell(v, word(task_modes, k)) && is_number(column("per_task_us")) ? column("workers") : NaN) nooutput
            first_workers = first_workers . sprintf(" %d", STATS_min)
        }
        if (words(spawn_modes) > 0) {
            stats summary using (micro_s(v, strcol("mode"), "startup_p50_us")) nooutput
            lo = min2(lo, STATS_min); hi = max2(hi, STATS_max)
        }
        eval place_panel(i, npanels)
        eval set_workers_axis
        # Always logarithmic: the modes differ by orders of magnitude.
        eval set_y_axis(lo, hi * 1.6, 0, 10, "%.0s %cs", "%.0s %cs")
        set ylabel "wall time per task = trial wall time ÷ tasks"
        set title (npanels > 1 ? v : "") noenhanced
        unset key
        unset label
        plot for [k = 1:words(task_modes)] summary using (x_of(word(task_modes, k))) \
                :(in_cell(v, word(task_modes, k)) ? column("per_task_us") * 1e-6 : NaN) \
                :(per_task_s(v, word(task_modes, k), "wall_min_s")) \
                :(per_task_s(v, word(task_modes, k), "wall_max_s")) \
                with yerrorlines lw 2 ps 1.1 lc rgb mode_color(word(task_modes, k)) pt mode_point(word(task_modes, k)) notitle, \
            for [k = 1:words(task_modes)] summary using (x_of(word(task_modes, k))) \
                :(column("workers") == int(word(first_workers, k)) ? per_task_s(v, word(task_modes, k), "wall_median_s") : NaN) \
                :(gprintf("%.1s %cs", column("per_task_us") * 1e-6)) \
                with labels right offset -1.2, 0 tc rgb mode_color(word(task_modes, k)) font ",10" notitle, \
            for [k = 1:words(spawn_modes)] summary using (x_of(word(spawn_modes, k))) \
                :(micro_s(v, word(spawn_modes, k), "startup_p50_us")) \
                with linespoints dt 2 lw 1.5 ps 1.0 lc rgb mode_color(word(spawn_modes, k)) pt mode_open_point(word(spawn_modes, k)) notitle
    }
    legend_extra = words(startup_modes) == 0 ? "" : ( \
        ', for [k = 1:words(startup_modes)] 2 with linespoints dt 2 lw 1.5 lc rgb mode_color(word(startup_modes, k)) pt mode_open_point(word(startup_modes, k)) title word(startup_modes, k) . " start-up (median)" noenhanced')
    eval draw_legend
    legend_extra = ""
    unset multiplot
    set output
} }

################################################################################
# 7. Chart: efficiency.{png,svg}
#    Parallel efficiency = speedup ÷ min(workers, usable CPUs), panel per working variant, with a
#    reference line at 1.0 (every usable CPU fully used). Above 1 means the work is not CPU-bound
#    (sleeping I/O overlaps). Bars: the speedup's 95 % CI scaled the same way (efficiency and
#    speedup differ by a constant factor per cell, so the interval scales exactly).
################################################################################

eff_scaled(v, m, c) = in_cell(v, m) ? either(column(c), column("speedup")) * column("efficiency") / column("speedup") : NaN

panels = ""; legend_modes = ""
do for [i = 1:words(work_variants)] {
    v = word(work_variants, i); col = "efficiency"; eval find_modes
    if (words(panel_modes) > (has_word(panel_modes, "serial") ? 1 : 0)) {
        panels = add_word(panels, v)
        do for [k = 1:words(panel_modes)] { legend_modes = add_word(legend_modes, word(panel_modes, k)) }
    }
}
legend_modes = in_mode_order(legend_modes)

if (words(panels) == 0) {
    print "efficiency: skipped (no efficiencies: the run needs a serial cell and another mode of the same workload)"
} else { do for [fmt in "png svg"] {
    eval (fmt eq "png" ? png_terminal : svg_terminal)
    set output chart_path("efficiency", fmt)
    npanels = words(panels)
    set multiplot title chart_title("Parallel efficiency = speedup ÷ min(workers, usable CPUs)  (1: every usable CPU busy; above 1: tasks mostly wait; bars: 95 % CI)")
    do for [i = 1:npanels] {
        v = word(panels, i); col = "efficiency"; eval find_modes
        eval free_axes
        stats summary using (eff_scaled(v, strcol("mode"), "speedup_ci_low")) nooutput
        lo = min2(STATS_min, 1)
        stats summary using (eff_scaled(v, strcol("mode"), "speedup_ci_high")) nooutput
        hi = max2(STATS_max, 1)
        eval place_panel(i, npanels)
        eval set_workers_axis
        eval set_y_axis(lo, hi, 20, 10, "%g", "%g")
        set ylabel "efficiency (speedup per usable CPU)"
        set title v noenhanced
        unset key
        unset label
        plot 1 with lines dt 2 lw 1.5 lc rgb "#555555" notitle, \
            for [k = 1:words(panel_modes)] summary using (x_of(word(panel_modes, k))) \
                :(pick(v, word(panel_modes, k), "efficiency")) \
                :(eff_scaled(v, word(panel_modes, k), "speedup_ci_low")) \
                :(eff_scaled(v, word(panel_modes, k), "speedup_ci_high")) \
                with yerrorlines lw 2 ps 1.1 lc rgb mode_color(word(panel_modes, k)) pt mode_point(word(panel_modes, k)) notitle
    }
    legend_extra = ', 2 with lines dt 2 lw 1.5 lc rgb "#555555" title "1.0 = all usable CPUs busy"'
    eval draw_legend
    legend_extra = ""
    unset multiplot
    set output
} }

################################################################################
# 8. Chart: cpu_vs_wall.{png,svg}
#    CPU time (user + sys, children included) against wall time per trial, panel per variant: solid
#    lines with filled points are CPU time, dashed lines with hollow points wall time, one colour
#    per mode. Where a mode's solid line sits above another's, it burns CPU the other does not
#    (spawning, loading, re-reading data); CPU above wall means more than one CPU was busy.
################################################################################

panels = ""; legend_modes = ""
do for [i = 1:words(all_variants)] {
    v = word(all_variants, i); col = "cpu_median_s"; need_positive = 1; eval find_modes; need_positive = 0
    if (words(panel_modes) > 0) {
        panels = add_word(panels, v)
        do for [k = 1:words(panel_modes)] { legend_modes = add_word(legend_modes, word(panel_modes, k)) }
    }
}
legend_modes = in_mode_order(legend_modes)

# A CPU time of exactly 0 (work below the clock's resolution) cannot sit on a log axis, so CPU lines
# skip such cells, and a mode whose CPU times are all 0 only gets its wall-time line.
positive(x) = x > 0 ? x : NaN

if (words(panels) == 0) {
    print "cpu_vs_wall: skipped (no CPU times)"
} else { do for [fmt in "png svg"] {
    eval (fmt eq "png" ? png_terminal : svg_terminal)
    set output chart_path("cpu_vs_wall", fmt)
    npanels = words(panels)
    set multiplot title chart_title("CPU time vs wall time of one trial (medians; CPU = user + sys of all threads and child processes)")
    do for [i = 1:npanels] {
        v = word(panels, i)
        col = "wall_median_s"; eval find_modes
        wall_modes = panel_modes
        col = "cpu_median_s"; need_positive = 1; eval find_modes; need_positive = 0
        cpu_modes = panel_modes
        eval free_axes
        stats summary using (positive(pick(v, strcol("mode"), "cpu_median_s"))) nooutput
        lo = STATS_min; hi = STATS_max
        stats summary using (pick(v, strcol("mode"), "wall_median_s")) nooutput
        lo = min2(lo, STATS_min); hi = max2(hi, STATS_max)
        eval place_panel(i, npanels)
        eval set_workers_axis
        eval set_y_axis(lo, hi, 20, 10, "%.0s %cs", "%g s")
        set ylabel "time per trial"
        set title v noenhanced
        unset key
        unset label
        plot for [k = 1:words(wall_modes)] summary using (x_of(word(wall_modes, k))) \
                :(pick(v, word(wall_modes, k), "wall_median_s")) \
                with linespoints dt 2 lw 1.5 ps 1.1 lc rgb mode_color(word(wall_modes, k)) pt mode_open_point(word(wall_modes, k)) notitle, \
            for [k = 1:words(cpu_modes)] summary using (x_of(word(cpu_modes, k))) \
                :(positive(pick(v, word(cpu_modes, k), "cpu_median_s"))) \
                with linespoints lw 2.5 ps 1.1 lc rgb mode_color(word(cpu_modes, k)) pt mode_point(word(cpu_modes, k)) notitle
    }
    legend_extra = ', 2 with linespoints lw 2.5 lc rgb "#555555" pt 7 title "CPU time (solid)", ' . \
        '2 with linespoints dt 2 lw 1.5 lc rgb "#555555" pt 6 title "wall time (dashed)"'
    eval draw_legend
    legend_extra = ""
    unset multiplot
    set output
} }

################################################################################
# 9. Chart: transfer.{png,svg}
#    What it costs a process to get its data, which threads read in place. The shared workload
#    hashes one input of input_size bytes, each task its own slice; a worker process obtains its
#    slice through a pipe, a file or shared memory (`transfer`). x = input size, three panels: wall
#    time of one trial, throughput (bytes hashed ÷ wall time) and the rate at which worker
#    processes received their bytes (threads receive nothing, so they are absent there). Colour =
#    mode, dash and point = transfer. One worker count, the largest of the shared rows (serial runs
#    one worker by definition and is drawn as the single-thread reference): a panel row per worker
#    count would double panels that already hold eight lines. With a single input size, x is the
#    transfer instead and each (mode, transfer) is a point.
################################################################################

known_transfers = '"in-place" "pipe" "file" "shm"'
transfer_dash(t) = t eq "in-place" ? 1 : t eq "pipe" ? 2 : t eq "file" ? 3 : t eq "shm" ? 4 : 5
transfer_point(t) = t eq "in-place" ? 7 : t eq "pipe" ? 5 : t eq "file" ? 9 : t eq "shm" ? 13 : 11

# Shared rows drawn: those at worker count w (the largest), and serial's one worker.
shared_workers = 0
drawn_shared_row(w) = strcol("workload") eq "shared" && (strcol("mode") eq "serial" || column("workers") == w)
in_transfer_cell(m, t) = drawn_shared_row(shared_workers) && strcol("mode") eq m && strcol("transfer") eq t
pick_transfer(m, t, c) = in_transfer_cell(m, t) ? column(c) : NaN

# Like find_modes, for (mode, transfer) pairs of the drawn shared rows: sets `panel_pairs` to the
# "mode|transfer" words that have a positive number in column `col`, modes in mode order and each
# mode's transfers in `transfers` order.
note_pair(c) = (drawn_shared_row(shared_workers) && column(c) > 0 ? (found_ = add_word(found_, strcol("mode") . "|" . strcol("transfer"))) : 0, 0)
in_pair_order(list) = (ordered_ = "", \
    sum [k = 1:words(modes)] sum [j = 1:words(transfers)] \
        (has_word(list, word(modes, k) . "|" . word(transfers, j)) ? (ordered_ = add_word(ordered_, word(modes, k) . "|" . word(transfers, j)), 0) : 0), \
    ordered_)
find_pairs = free_axes . '; found_ = ""; stats summary using (note_pair(col)) nooutput; panel_pairs = in_pair_order(found_)'

# The panels: column, panel title, y label, log-axis and linear-axis tic formats.
transfer_columns = '"wall_median_s" "mb_per_s" "transfer_mb_per_s"'
transfer_titles = '"wall time of one trial (median)" "throughput: bytes hashed ÷ wall time" "receive rate of the worker processes"'
transfer_ylabels = '"wall time per trial" "MB/s (1 MB = 10^6 B)" "MB/s received by the workers"'
transfer_log_formats = '"%.0s %cs" "%g" "%g"'
transfer_lin_formats = '"%g s" "%g" "%g"'

panels = ""; legend_modes = ""; legend_transfers = ""
shared_sizes = ""; transfers = ""
if (has_column("input_size") && has_column("transfer")) {
    # Input sizes, transfers (known ones first) and the largest worker count of the shared rows.
    file_transfers = ""
    note_shared(c) = (strcol("workload") eq "shared" && is_number(column(c)) ? ( \
        shared_sizes = add_word(shared_sizes, sprintf("%.0f", column(c))), \
        file_transfers = add_word(file_transfers, strcol("transfer")), \
        shared_workers = max2(shared_workers, column("workers"))) : 0, 0)
    eval free_axes
    stats summary using (note_shared("input_size")) nooutput
    shared_sizes = sort_numbers(shared_sizes)
    transfers = known_first(file_transfers, known_transfers)

    do for [i = 1:words(transfer_columns)] {
        col = word(transfer_columns, i)
        if (has_column(col)) {
            eval find_pairs
            if (words(panel_pairs) > 0) {
                panels = add_word(panels, col)
                do for [k = 1:words(panel_pairs)] {
                    legend_modes = add_word(legend_modes, key_field(word(panel_pairs, k), 1))
                    legend_transfers = add_word(legend_transfers, key_field(word(panel_pairs, k), 2))
                }
            }
        }
    }
}
legend_modes = in_mode_order(legend_modes)
legend_transfers = in_order(legend_transfers, transfers)

# x: the input size on a log2 axis, or with a single size the transfer as a category, each mode
# nudged aside so that serial and threads (both in place) do not hide each other.
by_size = words(shared_sizes) > 1
size_text(b) = b >= 2**30 ? sprintf("%g GiB", b / 2**30) : b >= 2**20 ? sprintf("%g MiB", b / 2**20) : sprintf("%g KiB", b / 2**10)
transfer_x(m, t) = by_size ? column("input_size") : \
    position(transfers, t) + 0.12 * (position(legend_modes, m) - (words(legend_modes) + 1) / 2.0)
set_transfer_axis = by_size ? \
    sprintf('set logscale x 2; set xrange [%g : %g]; set xtics (); ', \
        real(word(shared_sizes, 1)) / 1.3, real(word(shared_sizes, words(shared_sizes))) * 1.3) . \
    'do for [k = 1:words(shared_sizes)] { set xtics add (size_text(real(word(shared_sizes, k))) real(word(shared_sizes, k))) }; ' . \
    'set xtics nomirror out; set xlabel "input size (log scale)"' : \
    sprintf('unset logscale x; set xrange [0.5 : %d + 0.5]; set xtics (); ', words(transfers)) . \
    'do for [k = 1:words(transfers)] { set xtics add (word(transfers, k) k) }; ' . \
    'set xtics nomirror out; set xlabel sprintf("how a worker gets its slice (%s input)", size_text(real(word(shared_sizes, 1))))'

if (words(panels) == 0) {
    print "transfer: skipped (" . (has_column("input_size") ? "the run has no shared workload" : \
        "summary.csv has no input_size column: the run predates the shared workload") . ")"
} else { do for [fmt in "png svg"] {
    eval (fmt eq "png" ? png_terminal : svg_terminal)
    set output chart_path("transfer", fmt)
    npanels = words(panels)
    set multiplot title chart_title(sprintf("What a process pays to get its data, which threads read in place (shared workload, %d worker%s%s; medians)", \
        shared_workers, shared_workers == 1 ? "" : "s", shared_workers == 1 || !has_word(legend_modes, "serial") ? "" : "; serial: 1"))
    do for [i = 1:npanels] {
        col = word(panels, i); eval find_pairs
        k_ = position(transfer_columns, col)
        eval free_axes
        stats summary using (drawn_shared_row(shared_workers) && column(col) > 0 ? column(col) : NaN) nooutput
        lo = STATS_min; hi = STATS_max
        eval place_panel(i, npanels)
        eval set_transfer_axis
        eval set_y_axis(lo, hi, 20, 10, word(transfer_log_formats, k_), word(transfer_lin_formats, k_))
        set ylabel word(transfer_ylabels, k_)
        set title word(transfer_titles, k_)
        unset key
        unset label
        plot for [k = 1:words(panel_pairs)] summary \
                using (transfer_x(key_field(word(panel_pairs, k), 1), key_field(word(panel_pairs, k), 2))) \
                :(pick_transfer(key_field(word(panel_pairs, k), 1), key_field(word(panel_pairs, k), 2), col)) \
                with linespoints lw 2 ps 1.2 lc rgb mode_color(key_field(word(panel_pairs, k), 1)) \
                dt transfer_dash(key_field(word(panel_pairs, k), 2)) pt transfer_point(key_field(word(panel_pairs, k), 2)) notitle
    }
    # Modes are colours (a plain line), transfers are dashes and points (in grey).
    legend_mode_sample = '2 with lines lw 2'
    legend_extra = ', for [k = 1:words(legend_transfers)] 2 with linespoints lw 2 ps 1.2 lc rgb "#555555" ' . \
        'dt transfer_dash(word(legend_transfers, k)) pt transfer_point(word(legend_transfers, k)) title word(legend_transfers, k) noenhanced'
    eval draw_legend
    legend_extra = ""; legend_mode_sample = mode_points_sample
    unset multiplot
    set output
} }

################################################################################
# 10. Chart: crossover.{png,svg}
#    When do processes pay off? From crossover.csv (written by the run beside summary.csv): a panel
#    per (process mode vs thread mode, workers), x = the CPU share of each task (the rest of its
#    time budget is spent sleeping), y = ratio = thread mode's median wall time ÷ process mode's on a
#    log axis, a line per task size from light (small tasks) to dark (large), bars: 95 % CI. The
#    bold line at 1 is the break-even: above it the process mode is faster. Each panel carries its
#    finding from breakeven.csv: the smallest task size from which the process mode won, if any.
################################################################################

crossover_csv = run_dir . "/crossover.csv"
breakeven_csv = run_dir . "/breakeven.csv"

# Task sizes on a sequential ramp (viridis without its pale yellow end, which vanishes on white).
set palette defined (0 "#7AD151", 0.5 "#2A788E", 1 "#440154")
unset colorbox
task_frac(k, n) = n <= 1 ? 1 : (k - 1.0) / (n - 1)
ms_text(x) = sprintf("%g ms", x)

if (rows_after_header(crossover_csv) <= 0) {
    print "crossover: skipped (the run has no crossover.csv with rows: it needs a mixed workload under a thread mode and a process mode)"
} else {
    crossover = tsv_copy(crossover_csv)
    # Panels in file order, as "thread mode|process mode|workers"; task sizes, ascending.
    cross_panels = ""; task_sizes = ""
    note_comparison(c) = (cross_panels = add_word(cross_panels, sprintf("%s|%s|%d", strcol("thread_mode"), strcol("process_mode"), column("workers"))), \
        is_number(column(c)) ? (task_sizes = add_word(task_sizes, sprintf("%g", column(c)))) : 0, 0)
    eval free_axes
    stats crossover using (note_comparison("task_ms")) nooutput
    task_sizes = sort_numbers(task_sizes)
    in_comparison(p) = strcol("thread_mode") eq key_field(p, 1) && strcol("process_mode") eq key_field(p, 2) && column("workers") == int(key_field(p, 3))
    pick_ratio(p, ms, c) = in_comparison(p) && sprintf("%g", column("task_ms")) eq ms ? column(c) : NaN
    pick_ratio_or(p, ms, c) = in_comparison(p) && sprintf("%g", column("task_ms")) eq ms ? either(column(c), column("ratio")) : NaN
    # Task sizes nudged apart on the cpu_share axis so that their error bars do not overlap.
    share_x(k) = column("cpu_share") + 0.012 * (k - (words(task_sizes) + 1) / 2.0)

    # The finding of panel p, from its breakeven.csv row: where the process mode starts to win, and
    # its best ratio. Written from the numbers rather than copied from the `finding` sentence, which
    # repeats the panel title and is too long for a panel.
    have_breakeven = rows_after_header(breakeven_csv) > 0
    if (have_breakeven) { breakeven = tsv_copy(breakeven_csv) }
    finding_text(from_ms, largest_ms, best, best_ms, best_share) = \
        (!is_number(from_ms) ? sprintf("{/:Bold never pays off up to %s}", ms_text(largest_ms)) : \
         from_ms <= real(word(task_sizes, 1)) ? sprintf("{/:Bold pays off from the smallest size, %s}", ms_text(from_ms)) : \
         sprintf("{/:Bold never pays off below %s}", ms_text(from_ms))) . \
        (is_number(best) ? sprintf("\n{/*0.85 best ratio %.3g× at %s, CPU share %g}", best, ms_text(best_ms), best_share) : "")
    note_finding(p) = (in_comparison(p) ? (panel_finding = finding_text(column("pays_off_from_task_ms"), column("largest_task_ms"), \
        column("best_ratio"), column("best_task_ms"), column("best_cpu_share"))) : 0, 0)

    legend_sizes = ""
    do for [fmt in "png svg"] {
        eval (fmt eq "png" ? png_terminal : svg_terminal)
        set output chart_path("crossover", fmt)
        npanels = words(cross_panels)
        set multiplot title chart_title("Crossover: thread mode's wall time ÷ process mode's (medians; above 1 the process mode is faster; bars: 95 % CI)")
        do for [i = 1:npanels] {
            p = word(cross_panels, i)
            tm = key_field(p, 1); pm = key_field(p, 2)
            # The task sizes this panel has ratios for (a plot of no points would warn).
            eval free_axes
            found_ = ""
            stats crossover using (in_comparison(p) && is_number(column("ratio")) && is_number(column("cpu_share")) ? \
                (found_ = add_word(found_, sprintf("%g", column("task_ms"))), 0) : 0) nooutput
            panel_sizes = found_
            do for [k = 1:words(panel_sizes)] { legend_sizes = add_word(legend_sizes, word(panel_sizes, k)) }
            stats crossover using (in_comparison(p) && is_number(column("ratio")) ? either(column("ratio_ci_low"), column("ratio")) : NaN) nooutput
            lo = min2(STATS_min, 1)
            stats crossover using (in_comparison(p) && is_number(column("ratio")) ? either(column("ratio_ci_high"), column("ratio")) : NaN) nooutput
            hi = max2(STATS_max, 1)
            panel_finding = ""
            if (have_breakeven) { stats breakeven using (note_finding(p)) nooutput }
            eval place_panel(i, npanels)
            unset logscale x
            set xrange [-0.05 : 1.05]; set xtics 0, 0.25, 1 nomirror out; set xlabel "CPU share of each task (0: all sleep, 1: all hashing)"
            # Room above the data for the finding and the upper region's name, and below it for the
            # lower region's name (log axis: the room is a share of the decades shown).
            eval set_y_axis(lo / (hi / lo) ** 0.15, hi * (hi / lo) ** 0.3, 0, 10, "%g×", "%g×")
            set ylabel sprintf("%s wall time ÷ %s wall time", tm, pm) noenhanced
            set title sprintf("%s vs %s ×%s", pm, tm, key_field(p, 3)) noenhanced
            unset key
            unset label
            # The regions are named at the panel's top and bottom edges, where the data leaves room,
            # rather than along the break-even line, where large tasks' points sit.
            set label 1 sprintf("▲ %s faster", enhanced_escape(pm)) at graph 0.015, graph 0.96 left tc rgb "#333333" font ",10" front
            set label 2 sprintf("▼ %s faster", enhanced_escape(tm)) at graph 0.015, graph 0.04 left tc rgb "#333333" font ",10" front
            if (strlen(panel_finding) > 0) {
                set label 3 panel_finding at graph 0.985, graph 0.96 right front font ",11"
            }
            plot 1 with lines lw 3.5 lc rgb "#222222" notitle, \
                for [k = 1:words(panel_sizes)] crossover using (share_x(position(task_sizes, word(panel_sizes, k)))) \
                    :(pick_ratio(p, word(panel_sizes, k), "ratio")) \
                    :(pick_ratio_or(p, word(panel_sizes, k), "ratio_ci_low")) \
                    :(pick_ratio_or(p, word(panel_sizes, k), "ratio_ci_high")) \
                    with yerrorlines lw 2 pt 7 ps 1.0 lc palette frac task_frac(position(task_sizes, word(panel_sizes, k)), words(task_sizes)) notitle
        }
        legend_modes = ""
        legend_extra = ', for [k = 1:words(task_sizes)] 2 with linespoints lw 2 pt 7 ps 1.0 lc palette frac task_frac(k, words(task_sizes)) ' . \
            'title (has_word(legend_sizes, word(task_sizes, k)) ? ms_text(real(word(task_sizes, k))) . " tasks" : "")' . \
            ', 2 with lines lw 3.5 lc rgb "#222222" title "break-even (ratio 1)"'
        eval draw_legend
        legend_extra = ""
        unset multiplot
        set output
    }
}

################################################################################
# 11. Chart: startup.{png,svg}
#    The pool's start-up apart from its tasks: a panel per variant (null first, then at most three
#    others in file order), a horizontal bar per (mode, workers) whose length is the median wall
#    time of one trial; for modes with a pool (setup_median_s: creating the threads, spawning the
#    workers until each is ready) a dark segment from 0 is the start-up and the pale rest the tasks.
#    Modes without a pool (serial, processes) are one pale bar. Each bar's numbers are written at
#    the right, so start-ups too short to see (threads) still read. A separate chart rather than a
#    segment in the overhead chart: that one is per task on a log scale, where stacked segments
#    would not add up. Here the axis is linear; when some bar is more than four times as long as
#    the longest bar with a start-up (processes on the null workload), the axis stops just past
#    those and longer bars are cut: a white gap near their end and "(bar cut)" after their value.
################################################################################

startup_max_others = 3      # panels besides the null workload's, so the bars stay readable

# Worker counts shown: all of them, or the smallest and the largest when there are more than three
# (five worker counts of five modes would be 25 bars in a panel a quarter of the chart high).
startup_workers = sort_numbers(worker_counts)
if (words(startup_workers) > 3) { startup_workers = sprintf('"%s" "%s"', word(startup_workers, 1), word(startup_workers, words(startup_workers))) }

in_bar(v, m) = in_cell(v, m) && has_word(startup_workers, sprintf("%d", column("workers"))) && is_number(column("wall_median_s"))
bar_key(m) = m . "|" . sprintf("%d", column("workers"))
bar_y(m) = position(panel_rows, bar_key(m))
bar_cap = 1
bar_end(x) = min2(x, bar_cap)
share_text(f) = f < 0.1 ? sprintf("%.1f %%", 100 * f) : sprintf("%.0f %%", 100 * f)
bar_text(wall, setup) = time_text(wall) . (is_number(setup) ? sprintf(" · start-up %s (%s)", time_text(setup), share_text(setup / wall)) : "") . \
    (wall > bar_cap ? " (bar cut)" : "")
# Tics 1, 2 or 5 × 10^k apart under the bars only, about three of them (the bars are narrow); the
# numbers' column has none.
tic_step(x) = (tic_mag_ = 10**floor(log10(x / 2.5)), x / 2.5 / tic_mag_ < 1.5 ? tic_mag_ : x / 2.5 / tic_mag_ < 3.5 ? 2 * tic_mag_ : \
    x / 2.5 / tic_mag_ < 7.5 ? 5 * tic_mag_ : 10 * tic_mag_)
bar_share = 0.52           # of the panel's width; the numbers take the rest
label_room = 0.06          # screen width added left of each panel for the bars' names

panels = ""; legend_modes = ""; others_ = 0; left_out = 0
if (has_column("setup_median_s")) {
    do for [i = 1:words(null_variants) + words(work_variants)] {
        v = i <= words(null_variants) ? word(null_variants, i) : word(work_variants, i - words(null_variants))
        col = "setup_median_s"; eval find_modes
        if (words(panel_modes) > 0) {
            if (i > words(null_variants) && others_ >= startup_max_others) {
                left_out = left_out + 1
            } else {
                panels = add_word(panels, v)
                others_ = others_ + (i > words(null_variants) ? 1 : 0)
                col = "wall_median_s"; eval find_modes
                do for [k = 1:words(panel_modes)] { legend_modes = add_word(legend_modes, word(panel_modes, k)) }
            }
        }
    }
}
legend_modes = in_mode_order(legend_modes)

if (left_out > 0) {
    print sprintf("startup: %d more variant%s with a pool start-up left out (the chart shows the null workload and the first %d others)", \
        left_out, left_out == 1 ? "" : "s", startup_max_others)
}
if (words(panels) == 0) {
    print "startup: skipped (" . (has_column("setup_median_s") ? "no mode of the run has a pool start-up (setup_median_s)" : \
        "summary.csv has no setup_median_s column: the run predates measuring pool start-up apart") . ")"
} else { do for [fmt in "png svg"] {
    eval (fmt eq "png" ? png_terminal : svg_terminal)
    set output chart_path("startup", fmt)
    npanels = words(panels)
    panels_abreast = 2      # each bar's numbers need half the chart's width
    set multiplot title chart_title("Pool start-up and the tasks: median wall time of one trial (dark: pool start-up, setup\\_median\\_s; pale: the rest of the trial)")
    do for [i = 1:npanels] {
        v = word(panels, i)
        col = "wall_median_s"; eval find_modes
        bar_modes = panel_modes
        col = "setup_median_s"; eval find_modes
        pool_modes = panel_modes
        # Bars, top to bottom: modes in mode order, each at its worker counts in ascending order.
        panel_rows = ""
        do for [k = 1:words(bar_modes)] {
            do for [j = 1:words(startup_workers)] {
                found_ = ""
                stats summary using (in_bar(v, word(bar_modes, k)) && column("workers") == int(word(startup_workers, j)) ? \
                    (found_ = bar_key(word(bar_modes, k)), 0) : 0) nooutput
                if (strlen(found_) > 0) { panel_rows = add_word(panel_rows, found_) }
            }
        }
        stats summary using (in_bar(v, strcol("mode")) ? column("wall_median_s") : NaN) nooutput
        all_max = STATS_max
        stats summary using (in_bar(v, strcol("mode")) && is_number(column("setup_median_s")) ? column("wall_median_s") : NaN) nooutput
        bar_cap = all_max <= 4 * STATS_max ? all_max : 1.25 * STATS_max
        # A cut bar gets a white gap near its end, like a broken axis.
        unset object
        found_ = ""
        stats summary using (in_bar(v, strcol("mode")) && column("wall_median_s") > bar_cap ? (found_ = add_word(found_, bar_key(strcol("mode"))), 0) : 0) nooutput
        do for [k = 1:words(found_)] {
            set object k rectangle from first 0.9 * bar_cap, first position(panel_rows, word(found_, k)) - 0.4 \
                to first 0.935 * bar_cap, first position(panel_rows, word(found_, k)) + 0.4 fc rgb "white" fs solid 1.0 noborder front
        }
        eval place_panel(i, npanels)
        set lmargin at screen panel_left(i, npanels) + label_room
        set xrange [0 : bar_cap / bar_share]; set xtics 0, tic_step(bar_cap), bar_cap nomirror out; set format x "%.0s %cs"
        set xlabel "median wall time of one trial"
        set yrange [words(panel_rows) + 0.6 : 0.4]; set ytics () nomirror; unset mytics
        do for [k = 1:words(panel_rows)] {
            set ytics add (sprintf("%s ×%s", enhanced_escape(key_field(word(panel_rows, k), 1)), key_field(word(panel_rows, k), 2)) k)
        }
        unset ylabel
        set title v noenhanced
        unset key
        unset label
        plot for [k = 1:words(bar_modes)] summary \
                using (in_bar(v, word(bar_modes, k)) ? bar_end(column("wall_median_s")) : NaN):(bar_y(word(bar_modes, k))) \
                :(either(column("setup_median_s"), 0)):(bar_end(column("wall_median_s"))) \
                :(bar_y(word(bar_modes, k)) - 0.32):(bar_y(word(bar_modes, k)) + 0.32) \
                with boxxyerror fs solid 0.3 border lc rgb mode_color(word(bar_modes, k)) fc rgb mode_color(word(bar_modes, k)) notitle, \
            for [k = 1:words(pool_modes)] summary \
                using (in_bar(v, word(pool_modes, k)) ? column("setup_median_s") : NaN):(bar_y(word(pool_modes, k))) \
                :(0):(column("setup_median_s")) \
                :(bar_y(word(pool_modes, k)) - 0.32):(bar_y(word(pool_modes, k)) + 0.32) \
                with boxxyerror fs solid 1.0 border lc rgb mode_color(word(pool_modes, k)) fc rgb mode_color(word(pool_modes, k)) notitle, \
            for [k = 1:words(bar_modes)] summary \
                using (in_bar(v, word(bar_modes, k)) ? 0.99 * bar_cap / bar_share : NaN):(bar_y(word(bar_modes, k))) \
                :(bar_text(column("wall_median_s"), column("setup_median_s"))) \
                with labels right tc rgb mode_color(word(bar_modes, k)) font ",9" notitle
    }
    # Modes are filled boxes; the two shades are explained in grey. The samples' boxes sit outside
    # the legend plot's range, so only the key shows them.
    unset object
    legend_mode_sample = "'+' using (2):(2):(2):(2):(2):(2) with boxxyerror fs solid 0.3 border fc rgb mode_color(word(legend_modes, k))"
    legend_extra = ", '+' using (2):(2):(2):(2):(2):(2) with boxxyerror fs solid 1.0 border lc rgb \"#555555\" fc rgb \"#555555\" title \"pool start-up (dark)\"" . \
        ", '+' using (2):(2):(2):(2):(2):(2) with boxxyerror fs solid 0.3 border lc rgb \"#555555\" fc rgb \"#555555\" title \"rest of the trial (pale)\""
    eval draw_legend
    legend_extra = ""; legend_mode_sample = mode_points_sample; panels_abreast = 3
    unset multiplot
    set output
    set format x
} }

################################################################################
# End
################################################################################

system("rm -f" . temp_files)
