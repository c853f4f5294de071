import Foundation
import KubeModel

/// The columns of one built-in resource and the function that renders an object into cells.
///
/// Cells always include the `-o wide` columns: the API server renders tables with `Wide: true` and
/// kubectl hides columns with `priority > 0` itself.
struct TablePrinter: Sendable {
    let columns: [TableColumn]
    let cells: @Sendable (_ object: JSON, _ now: Date) -> [JSON]
}
