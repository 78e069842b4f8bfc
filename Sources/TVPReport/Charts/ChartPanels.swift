/// The panels of a chart, their blocks of one data table, and the legend under them: what
/// lib.gp's `panel`, `y_axis` and `legend` read from settings.gp.
///
/// Settings written: `panel_title`, `panel_ylabel`, `panel_ylog`, `panel_ylow`, `panel_yhigh`,
/// `panel_first` and `panel_last` (the panel's blocks), `block_color`, `block_point`,
/// `block_dash`, `block_width` (a block's line style), `legend_*` (see `Legend`).
struct ChartPanels {
    /// The table the blocks are in.
    var table: DataTable
    /// The legend.
    var legend = Legend()
    private var titles: [String] = [], yLabels: [String] = []
    private var axes: [YAxis] = []
    private var blockRanges: [(first: Int, last: Int)] = []
    private var styles: [LineStyle] = []

    /// Panels over an empty table with `columns`.
    init(table name: String, columns: [String]) {
        table = DataTable(name: name, columns: columns)
    }

    /// How many panels there are.
    var count: Int { titles.count }

    /// Adds a panel with a block per line; blocks without rows are dropped, and a panel left
    /// without any is not added (false).
    @discardableResult
    mutating func addPanel(title: String, yLabel: String, axis: YAxis, lines: [(style: LineStyle, rows: [[ChartValue]])]) -> Bool {
        let drawn = lines.filter { !$0.rows.isEmpty }
        guard !drawn.isEmpty else { return false }
        let first = table.blocks.count + 1
        for line in drawn {
            table.addBlock(line.rows)
            styles.append(line.style)
        }
        titles.append(title)
        yLabels.append(yLabel)
        axes.append(axis)
        blockRanges.append((first, table.blocks.count))
        return true
    }

    /// Writes the panels, blocks and legend into `data`.
    func write(into data: inout ChartData) {
        var s = data.settings
        s.set("panel_title", texts: titles)
        s.set("panel_ylabel", texts: yLabels)
        s.set("panel_ylog", numbers: axes.map { $0.log ? 1 : 0 })
        s.set("panel_ylow", numbers: axes.map(\.low))
        s.set("panel_yhigh", numbers: axes.map(\.high))
        s.set("panel_first", numbers: blockRanges.map { Double($0.first) })
        s.set("panel_last", numbers: blockRanges.map { Double($0.last) })
        s.set("block_color", texts: styles.map(\.color))
        s.set("block_point", numbers: styles.map { Double($0.point) })
        s.set("block_dash", numbers: styles.map { Double($0.dash) })
        s.set("block_width", numbers: styles.map(\.width))
        legend.write(into: &s)
        data.settings = s
        data.tables.append(table)
    }
}

/// The legend under a chart's panels: line samples (`legend_title`, `legend_color`,
/// `legend_point`, `legend_dash`, `legend_width`) and filled boxes (`legend_box_title`,
/// `legend_box_color`, `legend_box_fill`).
struct Legend {
    private var lines: [(title: String, style: LineStyle)] = []
    private var boxes: [(title: String, color: String, fill: Double)] = []

    /// Adds a line sample (a point too when the style has one).
    mutating func line(_ title: String, _ style: LineStyle) { lines.append((title, style)) }

    /// Adds a filled box sample; `fill` is the opacity, 0 to 1.
    mutating func box(_ title: String, color: String, fill: Double) { boxes.append((title, color, fill)) }

    /// Writes the entries into `settings`.
    func write(into s: inout GnuplotSettings) {
        s.set("legend_title", texts: lines.map(\.title))
        s.set("legend_color", texts: lines.map(\.style.color))
        s.set("legend_point", numbers: lines.map { Double($0.style.point) })
        s.set("legend_dash", numbers: lines.map { Double($0.style.dash) })
        s.set("legend_width", numbers: lines.map(\.style.width))
        s.set("legend_box_title", texts: boxes.map(\.title))
        s.set("legend_box_color", texts: boxes.map(\.color))
        s.set("legend_box_fill", numbers: boxes.map(\.fill))
    }
}
