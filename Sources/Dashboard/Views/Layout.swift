/// A rectangle of cells on the screen.
public struct Rect: Sendable, Equatable {
    public var row: Int, column: Int, width: Int, height: Int

    public func contains(row: Int, column: Int) -> Bool {
        row >= self.row && row < self.row + height && column >= self.column && column < self.column + width
    }
}

/// Where each pane goes: side by side on wide terminals, stacked on narrow ones.
public struct Layout: Sendable, Equatable {
    public static let minimumWidth = 40
    public static let minimumHeight = 10
    /// From this width the detail pane sits beside the tree.
    public static let sideBySideWidth = 110

    public let width: Int
    public let height: Int
    public let header: Rect
    public let tree: Rect
    /// The line between the panes: a column (side by side) or a row (stacked).
    public let divider: Rect
    public let detail: Rect
    public let footer: Rect

    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }
    public var isSideBySide: Bool { width >= Self.sideBySideWidth }

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        header = Rect(row: 0, column: 0, width: width, height: 1)
        footer = Rect(row: max(0, height - 1), column: 0, width: width, height: 1)
        let body = max(0, height - 2)
        if width >= Self.sideBySideWidth {
            // 48 of 120 columns: the detail pane's overview then fits a 24-cell sparkline and
            // names of 21 cells.
            let treeWidth = max(Self.minimumWidth, width * 2 / 5)
            tree = Rect(row: 1, column: 0, width: treeWidth, height: body)
            divider = Rect(row: 1, column: treeWidth, width: 1, height: body)
            detail = Rect(row: 1, column: treeWidth + 1, width: max(0, width - treeWidth - 1), height: body)
        } else {
            let treeHeight = max(3, body * 11 / 20)
            tree = Rect(row: 1, column: 0, width: width, height: treeHeight)
            divider = Rect(row: 1 + treeHeight, column: 0, width: width, height: 1)
            detail = Rect(row: 2 + treeHeight, column: 0, width: width, height: max(0, body - treeHeight - 1))
        }
    }
}

extension Layout {
    /// Lines above the overview's rows in the detail pane: the branch and its counts, then a
    /// branch's traffic or the brokers that are down (none on the whole screen when all are up).
    public static func overviewHeaderLines(thirdLine: Bool) -> Int { thirdLine ? 3 : 2 }

    /// Rows of the overview the detail pane has room for (with its third line, for paging).
    public var overviewRows: Int { overviewRows(thirdLine: true) }

    public func overviewRows(thirdLine: Bool) -> Int { max(1, detail.height - Self.overviewHeaderLines(thirdLine: thirdLine)) }
}
