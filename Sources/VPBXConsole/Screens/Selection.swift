/// The selected row of a list whose rows come and go: remembers the row's id so the
/// selection follows it, and its index so a vanished row hands over to its neighbour.
public struct Selection: Sendable, Hashable {
    public private(set) var id: String?
    private var index = 0

    public init() {}

    /// The selected index into `ids`, or nil when the list is empty.
    public func resolve(_ ids: [String]) -> Int? {
        guard !ids.isEmpty else { return nil }
        if let id, let found = ids.firstIndex(of: id) { return found }
        return min(index, ids.count - 1)
    }

    /// The selected id in `ids`, or nil when the list is empty.
    public func selectedID(_ ids: [String]) -> String? {
        resolve(ids).map { ids[$0] }
    }

    /// Selects `id`, which is in `ids`.
    public mutating func select(_ id: String, in ids: [String]) {
        guard let found = ids.firstIndex(of: id) else { return }
        index = found
        self.id = id
    }

    /// Moves by `delta` rows, stopping at the ends.
    public mutating func move(by delta: Int, in ids: [String]) {
        guard let current = resolve(ids) else { return }
        index = min(max(current + delta, 0), ids.count - 1)
        id = ids[index]
    }
}
